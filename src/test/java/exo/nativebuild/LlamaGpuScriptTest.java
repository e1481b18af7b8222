package exo.nativebuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * native-build/llama-gpu.sh up to where it would compile: each bad argument, missing tool or
 * source that is not b4916 is refused with one line and its own exit code (2 usage, 3 tools or
 * sources), before anything is built. LlamaBuildIT runs the whole build.
 */
class LlamaGpuScriptTest {
    private static final String USAGE = "(usage: native-build/llama-gpu.sh cuda|vulkan|metal|cpu [SOURCES])";

    @TempDir
    Path tmp;

    private record Run(int code, String err) {
    }

    private Run script(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "native-build/llama-gpu.sh"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.startsWith("EXO_"));
        pb.environment().put("EXO_LLAMA_BUILD_DIR", tmp.resolve("build").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script did not finish");
        return new Run(p.exitValue(), err.strip());
    }

    private Run script(String... args) throws Exception {
        return script(Map.of(), args);
    }

    @Test
    void aMissingUnknownOrExtraArgumentIsRefusedWithItsUsage() throws Exception {
        for (String[] args : new String[][] {{}, {"rocm"}, {"CUDA"}}) {
            Run r = script(args);
            assertEquals(new Run(2, "llama-gpu: give the backend: cuda, vulkan, metal or cpu " + USAGE), r);
        }
        assertEquals(new Run(2, "llama-gpu: too many arguments " + USAGE), script("cpu", "a", "b"));
    }

    @Test
    void aBadArchitectureOrJobCountIsRefused() throws Exception {
        assertEquals(new Run(2, "llama-gpu: EXO_CUDA_ARCH is 'hopper'; give CUDA architectures as cmake takes them, "
                + "e.g. 90 or 80;90"), script(Map.of("EXO_CUDA_ARCH", "hopper"), "cuda"));
        assertEquals(new Run(2, "llama-gpu: EXO_BUILD_JOBS is '0'; give a number of jobs"),
                script(Map.of("EXO_BUILD_JOBS", "0"), "cpu"));
    }

    @Test
    void missingSourcesAreRefusedWithHowToGetThem() throws Exception {
        Path none = tmp.resolve("nothing.tar.gz");
        Run r = script("cpu", none.toString());
        assertEquals(3, r.code(), r.err());
        assertEquals("llama-gpu: no llama.cpp sources at " + none + "; give a source archive of build b4916 or a "
                + "checkout (git clone https://github.com/ggml-org/llama.cpp && git -C llama.cpp checkout b4916)", r.err());
    }

    @Test
    void sourcesThatAreNotB4916AreRefused() throws Exception {
        assumeTools();
        Path notAnArchive = Files.writeString(tmp.resolve("llama.zip"), "x");
        assertEquals(new Run(3, "llama-gpu: " + notAnArchive + " is neither a .tar.gz source archive nor a folder"),
                script("cpu", notAnArchive.toString()));

        // An archive of another llama.cpp: its llama.h is not the one exo binds.
        Path other = tmp.resolve("llama.cpp-other");
        Files.createDirectories(other.resolve("include"));
        Files.writeString(other.resolve("include/llama.h"), "struct llama_model_params { int added; };\n");
        Path archive = tmp.resolve("llama.cpp-other.tar.gz");
        assertEquals(0, new ProcessBuilder("tar", "-czf", archive.toString(), "-C", tmp.toString(), "llama.cpp-other")
                .inheritIO().start().waitFor());
        assertEquals(new Run(3, "llama-gpu: " + archive + " is not llama.cpp b4916: its include/llama.h differs from "
                + "the one exo binds"), script("cpu", archive.toString()));
        assertEquals(new Run(3, "llama-gpu: " + other + " is not llama.cpp b4916: its include/llama.h differs from "
                + "the one exo binds"), script("cpu", other.toString()));
    }

    @Test
    void aCheckoutWithoutThePinnedBuildIsRefused() throws Exception {
        assumeTools();
        Path src = tmp.resolve("llama.cpp");
        for (List<String> git : List.of(List.of("git", "init", "-q", src.toString()),
                List.of("git", "-C", src.toString(), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                        "--allow-empty", "-m", "not llama.cpp"))) {
            assertEquals(0, new ProcessBuilder(git).inheritIO().start().waitFor());
        }
        Run r = script("cpu", src.toString());
        assertEquals(new Run(3, "llama-gpu: " + src + " has no build b4916 (git -C " + src
                + " fetch --tags, or a fresh clone)"), r);
    }

    @Test
    void aBackendWhoseSdkIsMissingIsNamed() throws Exception {
        assumeTools();
        assumeTrue(!onPath("glslc"), "glslc is installed here");
        assertEquals(new Run(3, "llama-gpu: glslc is not installed; the Vulkan SDK's shader compiler is needed for the "
                + "vulkan backend"), script("vulkan"));
        if (!System.getProperty("os.name").startsWith("Mac")) {
            assertEquals(new Run(3, "llama-gpu: the metal backend builds on macOS only"), script("metal"));
        }
    }

    private static void assumeTools() {
        for (String tool : List.of("cmake", "c++", "patch", "git")) {
            assumeTrue(onPath(tool), tool + " is not installed");
        }
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
