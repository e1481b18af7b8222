package exo.engine.llamacpp;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Which llama.cpp build a library is, and how that is known.
 *
 * <p>The bindings' library exports {@code LLAMA_BUILD_NUMBER} and {@code LLAMA_COMMIT}, from
 * llama.cpp's {@code common/} build-info, which it links. A plain {@code libllama} built from
 * llama.cpp's sources does not link {@code common/} and has neither; for it the build is read from
 * {@value #INFO_FILE}, which native-build/llama-gpu.sh writes beside the library after checking
 * the sources' headers, and which names the library's SHA-256 so that a file left beside another
 * library does not vouch for it.
 *
 * @param number   the build number, as {@code LLAMA_BUILD_NUMBER}
 * @param commit   the short commit hash, or "unknown"
 * @param evidence where the number was read, for messages
 */
record LibraryBuild(int number, String commit, String evidence) {

    /** The build-info file llama-gpu.sh writes beside the libraries it builds. */
    static final String INFO_FILE = "exo-llama-build.properties";

    LibraryBuild {
        if (commit == null || commit.isBlank() || evidence == null || evidence.isBlank()) {
            throw new IllegalArgumentException("a build needs a commit and where it was read");
        }
    }

    /**
     * The build of the library {@code lookup} reads: its own {@code LLAMA_BUILD_NUMBER}, else the
     * build-info file beside {@code file} (the library's path, where it is known).
     *
     * @throws LlamaCppException (one line) when neither says which build it is
     */
    static LibraryBuild of(SymbolLookup lookup, Optional<Path> file) {
        Optional<Integer> number = lookup.find("LLAMA_BUILD_NUMBER")
                .map(s -> s.reinterpret(JAVA_INT.byteSize()).get(JAVA_INT, 0));
        if (number.isPresent()) {
            String commit = lookup.find("LLAMA_COMMIT")
                    .map(s -> s.reinterpret(ADDRESS.byteSize()).get(ADDRESS, 0).reinterpret(64).getString(0))
                    .orElse("unknown");
            return new LibraryBuild(number.get(), commit, "LLAMA_BUILD_NUMBER");
        }
        Path library = file.orElseThrow(() -> new LlamaCppException(
                "the llama.cpp library has no LLAMA_BUILD_NUMBER: not llama.cpp?"));
        return fromInfoFile(library);
    }

    /** The build {@value #INFO_FILE} beside {@code library} names, once it is seen to describe that file. */
    static LibraryBuild fromInfoFile(Path library) {
        Path real;
        try {
            real = library.toRealPath();
        } catch (IOException e) {
            throw new LlamaCppException("cannot read " + library + ": " + e.getMessage(), e);
        }
        Path info = real.resolveSibling(INFO_FILE);
        if (!Files.isRegularFile(info)) {
            throw new LlamaCppException("the llama.cpp library has no LLAMA_BUILD_NUMBER and " + library
                    + " has no " + INFO_FILE + " beside it: not llama.cpp, or not built by native-build/llama-gpu.sh"
                    + " (llama.cpp build " + LlamaLibrary.EXPECTED_BUILD + ")");
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(info, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new LlamaCppException("cannot read " + info + ": " + e.getMessage(), e);
        }
        String expectedHash = p.getProperty("library_sha256", "").strip();
        String hash = sha256(real);
        if (!hash.equalsIgnoreCase(expectedHash)) {
            throw new LlamaCppException(info + " describes another library than " + library
                    + " (its SHA-256 differs): build it again with native-build/llama-gpu.sh");
        }
        String build = p.getProperty("build", "").strip();
        if (!build.matches("[0-9]{1,9}")) {
            throw new LlamaCppException(info + " names no build number (build=" + build + ")");
        }
        String commit = p.getProperty("commit", "").strip();
        return new LibraryBuild(Integer.parseInt(build), commit.isEmpty() ? "unknown" : commit, info.toString());
    }

    private static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new LlamaCppException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
