package exo.engine.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Linker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.security.MessageDigest;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a library's build is told: the bindings' library by its own LLAMA_BUILD_NUMBER, a plain
 * libllama by the build-info file native-build/llama-gpu.sh writes beside it (here a file of
 * bytes stands for the library: only its SHA-256 is read), and the struct sizes by what the
 * default-params functions write. LlamaBuildIT runs the same on a library built from the sources.
 */
class LibraryBuildTest {
    @TempDir
    Path tmp;

    @Test
    void theBundledLibraryTellsItsOwnBuild() {
        LibraryBuild build = LibraryBuild.of(LlamaLibrary.bundled().symbols(), Optional.empty());
        assertEquals(new LibraryBuild(4916, "c6af2161", "LLAMA_BUILD_NUMBER"), build);
    }

    @Test
    void aLibraryWithoutABuildNumberOrAPathIsNotLlamaCpp() {
        LlamaCppException e = assertThrows(LlamaCppException.class,
                () -> LibraryBuild.of(Linker.nativeLinker().defaultLookup(), Optional.empty()));
        assertEquals("the llama.cpp library has no LLAMA_BUILD_NUMBER: not llama.cpp?", e.getMessage());
    }

    @Test
    void theBuildInfoFileBesideTheLibraryNamesItsBuild() throws Exception {
        Path lib = library();
        writeInfo(lib, "build=4916\ncommit=c6af216\nlibrary_sha256=" + sha256(lib) + "\n");
        assertEquals(new LibraryBuild(4916, "c6af216", tmp.resolve("exo-llama-build.properties").toString()),
                LibraryBuild.of(Linker.nativeLinker().defaultLookup(), Optional.of(lib)));

        // A link to the library finds the file beside the library itself.
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere")).resolve("libllama.so");
        Files.createSymbolicLink(elsewhere, lib);
        assertEquals(4916, LibraryBuild.fromInfoFile(elsewhere).number());
    }

    @Test
    void aMissingForeignOrBrokenBuildInfoFileIsOneLine() throws Exception {
        Path lib = library();
        Path info = tmp.resolve("exo-llama-build.properties");
        assertEquals("the llama.cpp library has no LLAMA_BUILD_NUMBER and " + lib + " has no exo-llama-build.properties"
                + " beside it: not llama.cpp, or not built by native-build/llama-gpu.sh (llama.cpp build 4916)",
                refusal(lib));

        writeInfo(lib, "build=4916\ncommit=c6af216\nlibrary_sha256=" + "ab".repeat(32) + "\n");
        assertEquals(info + " describes another library than " + lib
                + " (its SHA-256 differs): build it again with native-build/llama-gpu.sh", refusal(lib));

        writeInfo(lib, "build=b4916\nlibrary_sha256=" + sha256(lib) + "\n");
        assertEquals(info + " names no build number (build=b4916)", refusal(lib));

        writeInfo(lib, "library_sha256=" + sha256(lib) + "\nbuild=5002\n");
        assertEquals(new LibraryBuild(5002, "unknown", info.toString()), LibraryBuild.fromInfoFile(lib),
                "read as written; LlamaLibrary refuses the number");
    }

    /** llama_{model,context}_default_params write exactly exo's layouts (the disassembly's 64 and 120 bytes). */
    @Test
    void theDefaultParamsWriteExoLayoutsSizes() {
        var symbols = LlamaLibrary.bundled().symbols();
        assertEquals(LlamaLayouts.MODEL_PARAMS.byteSize(), LayoutCheck.writtenBytes(symbols, "llama_model_default_params"));
        assertEquals(LlamaLayouts.CONTEXT_PARAMS.byteSize(),
                LayoutCheck.writtenBytes(symbols, "llama_context_default_params"));
        LayoutCheck.verify(symbols);
    }

    private Path library() throws Exception {
        Path lib = tmp.resolve("libllama.so");
        Files.write(lib, new byte[] {0x7f, 'E', 'L', 'F', 1, 2, 3});
        return lib;
    }

    private void writeInfo(Path lib, String text) throws Exception {
        Files.writeString(lib.resolveSibling("exo-llama-build.properties"), "# test\n" + text);
    }

    private static String refusal(Path lib) {
        return assertThrows(LlamaCppException.class, () -> LibraryBuild.fromInfoFile(lib)).getMessage();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
