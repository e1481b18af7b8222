package exo.nativebuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * native-build/llama-gpu.sh up to where it would fetch or compile llama.cpp (no GPU SDK and no
 * network here, so the build itself is not run): it refuses a missing or unknown backend, and a
 * checkout without the pinned build b4916, each with one line and its own exit code.
 */
class LlamaGpuScriptTest {
    @TempDir
    Path tmp;

    private record Run(int code, String err) {
    }

    private static Run script(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "native-build/llama-gpu.sh"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script did not finish");
        return new Run(p.exitValue(), err);
    }

    @Test
    void aMissingOrUnknownBackendIsRefusedWithItsUsage() throws Exception {
        for (String[] args : new String[][] {{}, {"rocm"}}) {
            Run r = script(args);
            assertEquals(2, r.code(), r.err());
            assertEquals("llama-gpu: give the backend: cuda, vulkan or metal (usage: native-build/llama-gpu.sh "
                    + "cuda|vulkan|metal [SOURCES])", r.err().strip());
        }
    }

    @Test
    void aCheckoutWithoutThePinnedBuildIsRefused() throws Exception {
        Path src = tmp.resolve("llama.cpp");
        for (List<String> git : List.of(List.of("git", "init", "-q", src.toString()),
                List.of("git", "-C", src.toString(), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                        "--allow-empty", "-m", "not llama.cpp"))) {
            assertEquals(0, new ProcessBuilder(git).inheritIO().start().waitFor());
        }
        Run r = script("vulkan", src.toString());
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("llama-gpu: " + src + " has no build b4916"), r.err());
    }
}
