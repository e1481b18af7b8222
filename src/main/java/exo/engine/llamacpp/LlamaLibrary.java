package exo.engine.llamacpp;


import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * llama.cpp as shipped inside the de.kherud:llama 4.2.0 jar ({@code libjllama.so}, which exports
 * the whole llama.h C API besides its JNI entry points), opened once per process.
 *
 * <p>Opening it: the library is copied from the class path to a fresh owner-only temporary
 * directory, {@code dlopen}ed through {@link SymbolLookup#libraryLookup(Path, Arena)} with the
 * global arena (it is never unloaded: llama.cpp's worker threads and static state would not
 * survive a {@code dlclose}), and the copy is deleted at once (Linux keeps the mapping). Its
 * build number must be {@value #EXPECTED_BUILD}, the build the struct layouts in
 * {@link LlamaLayouts} were verified against: the library's {@code LLAMA_BUILD_NUMBER}, or for a
 * plain {@code libllama} built from llama.cpp's sources (which lacks it) the build-info file
 * native-build/llama-gpu.sh writes beside it ({@link LibraryBuild}); and the structs its
 * default-params functions write must be those layouts' size ({@link LayoutCheck}). Then
 * {@code llama_backend_init()} is called and llama.cpp's log is routed to {@link NativeLog}.
 *
 * <p>Process-wide state, all imposed by the native library: the loaded library itself, its
 * backend initialization ("call once at the start of the program", llama.h) and its single
 * logger. This holder ({@link #bundled()}) is the only static state of the package besides
 * {@link NativeLog}'s. de.kherud's own JNI loader extracts and loads a second, separate copy when
 * its {@code LlamaModel} is used; the two copies are loaded {@code RTLD_LOCAL} and share nothing.
 *
 * <p>The jar carries a library for Linux (x86-64, arm64), macOS (arm64 with Metal, x86-64) and
 * Windows (x86-64); each is a build of the same llama.cpp, and the checks at load (build number,
 * struct sizes) hold on every 64-bit one. Only Linux x86-64 is tested here.
 */
public final class LlamaLibrary {

    /** {@code LLAMA_BUILD_NUMBER} of the llama.cpp inside de.kherud:llama 4.2.0 (commit c6af2161). */
    public static final int EXPECTED_BUILD = 4916;

    /**
     * Where the jar keeps the library for {@code os.name} and {@code os.arch} (as Java reports
     * them), or empty where it has none.
     */
    static java.util.Optional<String> resourceFor(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        String cpu = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : null;
        if (cpu == null) {
            return java.util.Optional.empty();
        }
        if (os.startsWith("linux")) {
            return java.util.Optional.of("de/kherud/llama/Linux/" + cpu + "/libjllama.so");
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return java.util.Optional.of("de/kherud/llama/Mac/" + cpu + "/libjllama.dylib");
        }
        if (os.startsWith("windows") && cpu.equals("x86_64")) {
            return java.util.Optional.of("de/kherud/llama/Windows/x86_64/jllama.dll");
        }
        return java.util.Optional.empty();
    }

    private final LlamaApi api;
    private final SymbolLookup symbols;
    private final LibraryBuild build;

    private LlamaLibrary(Opened opened) {
        this.symbols = opened.lookup();
        this.build = LibraryBuild.of(symbols, opened.file());
        if (build.number() != EXPECTED_BUILD) {
            throw new LlamaCppException("the llama.cpp library is build " + build.number() + " (" + build.commit()
                    + ", from " + build.evidence() + "); the struct layouts here are for build " + EXPECTED_BUILD);
        }
        LayoutCheck.verify(symbols);
        this.api = new LlamaApi(symbols);
        api.llama_backend_init();
        NativeLog.install(api);
    }

    /** A dlopened library, with its path where it stays on disk (EXO_LLAMA_LIB's; the jar's copy is deleted). */
    private record Opened(SymbolLookup lookup, Optional<Path> file) {
    }

    /**
     * The library from the de.kherud:llama jar, opened on first use.
     *
     * @throws LlamaCppException if it cannot be opened (every call says why, not just the first)
     */
    public static LlamaLibrary bundled() {
        if (Bundled.FAILURE != null) {
            throw new LlamaCppException(Bundled.FAILURE.getMessage(), Bundled.FAILURE);
        }
        return Bundled.INSTANCE;
    }

    /** {@code LLAMA_BUILD_NUMBER} of the loaded library (or its build-info file's {@code build}). */
    public int buildNumber() {
        return build.number();
    }

    /** {@code LLAMA_COMMIT} of the loaded library (short hash), or its build-info file's {@code commit}. */
    public String commit() {
        return build.commit();
    }

    /**
     * Where the build number was read: {@code LLAMA_BUILD_NUMBER} (the bindings' library), or the
     * path of the build-info file native-build/llama-gpu.sh wrote beside a plain {@code libllama}.
     */
    public String buildEvidence() {
        return build.evidence();
    }

    /** {@code llama_print_system_info()}: the CPU features ggml was compiled with, and its backends. */
    public String systemInfo() {
        return api.llama_print_system_info();
    }

    LlamaApi api() {
        return api;
    }

    /**
     * The library's symbols: besides llama.h it exports all of ggml, which the ggml slice
     * engine binds ({@code exo.engine.ggml}). Valid for the life of the process.
     */
    public SymbolLookup symbols() {
        return symbols;
    }

    /**
     * Initialization-on-demand holder: the class initializer runs once, on first access. A failure
     * is kept rather than thrown from the initializer, which would leave only a bare
     * NoClassDefFoundError for later callers.
     */
    private static final class Bundled {
        static final LlamaLibrary INSTANCE;
        static final RuntimeException FAILURE;

        static {
            LlamaLibrary library = null;
            RuntimeException failure = null;
            try {
                library = new LlamaLibrary(openBundled());
            } catch (RuntimeException e) {
                failure = e;
            }
            INSTANCE = library;
            FAILURE = failure;
        }
    }

    /**
     * {@code EXO_LLAMA_LIB} names a llama.cpp library built elsewhere (a CUDA or Vulkan build of
     * the same llama.cpp build, see native-build/); without it, the jar's own is used.
     */
    private static Opened openBundled() {
        String override = System.getenv("EXO_LLAMA_LIB");
        if (override != null && !override.isBlank()) {
            Path lib = Path.of(override);
            if (!Files.isRegularFile(lib)) {
                throw new LlamaCppException("EXO_LLAMA_LIB names " + lib + ", which is not a file");
            }
            try {
                return new Opened(SymbolLookup.libraryLookup(lib, Arena.global()), Optional.of(lib));
            } catch (IllegalArgumentException e) {
                throw new LlamaCppException("cannot load EXO_LLAMA_LIB " + lib + ": " + e.getMessage(), e);
            }
        }
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        String resource = resourceFor(os, arch).orElseThrow(() -> new LlamaCppException("de.kherud:llama has no "
                + "llama.cpp library for " + os + " " + arch + "; set EXO_LLAMA_LIB to one of build " + EXPECTED_BUILD));
        Path dir = null;
        Path file = null;
        try {
            dir = Files.createTempDirectory("exo-llamacpp-ffm-"); // rwx------ on POSIX
            file = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
            try (InputStream in = LlamaLibrary.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new LlamaCppException("class path lacks " + resource + " (is de.kherud:llama 4.2.0 there?)");
                }
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return new Opened(SymbolLookup.libraryLookup(file, Arena.global()), Optional.empty());
        } catch (IOException e) {
            throw new LlamaCppException("cannot extract " + resource + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) { // libraryLookup: dlopen failed
            throw new LlamaCppException("cannot load " + file + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(file);
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            path.toFile().deleteOnExit();
        }
    }
}
