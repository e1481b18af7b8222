package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.download.ExoProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** --engine on exo run: each engine tells the same story; auto says what it picked and falls back. */
class EngineChoiceTest {
    private static final String STORY = ", there was a little girl named Lily.";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"auto", "ggml", "java", "llama.cpp"})
    void everyEngineTellsTheSameStory(String engine) {
        CliRun r = CliRun.of("run", "--discovery", "static", "--model-file", TestModels.stories260K().toString(), "--prompt", "Once upon a time",
                "--temperature", "0", "-n", "20", "--engine", engine);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith(STORY), r.out());
        assertEquals(engine.equals("auto"), r.err().startsWith("exo: engine ggml (CPU, "), r.err());
    }

    /** A library of another kind where llama.cpp's should be: one line, and the Java engine under auto. */
    @Test
    void aWrongLibraryFallsBackToJavaUnderAutoAndIsRefusedByName() throws Exception {
        Map<String, String> env = Map.of("EXO_LLAMA_LIB", "/lib/x86_64-linux-gnu/libz.so.1");
        String model = TestModels.stories260K().toString();
        ExoProcess.Result auto = ExoProcess.run(tmp, env, "run", "--discovery", "static", "--model-file", model, "--prompt", "Once upon a time",
                "--temperature", "0", "-n", "20");
        assertEquals(0, auto.exitCode(), auto.err());
        assertTrue(auto.out().startsWith(STORY), auto.out());
        assertTrue(auto.err().startsWith("exo: engine java (") && auto.err().contains("because ggml is unavailable: "
                + "the llama.cpp library has no LLAMA_BUILD_NUMBER"), auto.err());

        ExoProcess.Result named = ExoProcess.run(tmp, env, "run", "--discovery", "static", "--model-file", model, "--prompt", "x",
                "--engine", "ggml");
        assertEquals(1, named.exitCode(), named.err());
        assertEquals(1, named.err().strip().lines().count(), named.err());
        assertTrue(named.err().startsWith("exo: the ggml engine cannot run here: "), named.err());
        assertFalse(named.err().contains("\tat "), named.err());
    }

    /** --gpu off computes on the CPU as auto does on a machine without a GPU; anything else is refused. */
    @Test
    void gpuOffAndAutoTellTheSameStoryHereAndOtherValuesAreRefused() {
        for (String gpu : new String[] {"off", "auto"}) {
            CliRun r = CliRun.of("run", "--discovery", "static", "--model-file", TestModels.stories260K().toString(), "--prompt",
                    "Once upon a time", "--temperature", "0", "-n", "20", "--gpu", gpu);
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().startsWith(STORY), r.out());
            assertTrue(r.err().startsWith("exo: engine ggml (CPU, "), "no GPU on this machine: " + r.err());
        }
        CliRun bad = CliRun.of("run", "--discovery", "static", "--model-file", TestModels.stories260K().toString(), "--prompt", "x",
                "--gpu", "on");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("the GPU mode is auto or off, not 'on'"), bad.err());
    }
}
