package exo.nativebuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

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
 * native-build/gpu-check.sh's arguments, and its first step on a machine without a GPU: it names
 * everything missing in one line (the GPU, the carried files), writes that line to the figures
 * file a device run brings back, and exits 3 before it unpacks or builds anything.
 */
class GpuCheckScriptTest {
    private static final String USAGE = "(usage: native-build/gpu-check.sh [--rehearse-on-cpu] [CARRY])";

    @TempDir
    Path tmp;

    private record Run(int code, String err) {
    }

    private Run script(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "native-build/gpu-check.sh"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.startsWith("EXO_"));
        pb.environment().put("OUT", tmp.resolve("out").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("gpu-check.sh did not finish");
        }
        return new Run(p.exitValue(), err.strip());
    }

    @Test
    void badArgumentsAreRefusedWithTheUsage() throws Exception {
        assertEquals(new Run(2, "gpu-check: unknown option --gpu " + USAGE), script(Map.of(), "--gpu"));
        assertEquals(new Run(2, "gpu-check: too many arguments " + USAGE), script(Map.of(), "a", "b"));
        assertEquals(new Run(2, "gpu-check: EXO_GPU_CHECK_SECONDS is 'ten'; give seconds"),
                script(Map.of("EXO_GPU_CHECK_SECONDS", "ten")));
        assertEquals(new Run(2, "gpu-check: EXO_GPU_CHECK_BENCH has 'llama-3.1-8b'; give MODEL:QUANT"),
                script(Map.of("EXO_GPU_CHECK_BENCH", "llama-3.2-1b:Q4_K_M llama-3.1-8b")));
    }

    @Test
    void withoutAGpuEverythingMissingIsNamedInOneLine() throws Exception {
        assumeFalse(LlamaGpuScriptTest.onPath("nvidia-smi"), "this machine has nvidia-smi");
        Path carry = Files.createDirectories(tmp.resolve("carry"));
        String files = carryFiles(carry);
        boolean nvcc = LlamaGpuScriptTest.onPath("nvcc") || Files.isExecutable(Path.of("/usr/local/cuda/bin/nvcc"));
        String expected = "cannot run here: missing an NVIDIA GPU (nvidia-smi not found); "
                + (nvcc ? "" : "nvcc (the CUDA toolkit); ") + files;
        assertEquals(new Run(3, "gpu-check: " + expected), script(Map.of(), carry.toString()));
        List<String> figures = Files.readAllLines(tmp.resolve("out/gpu-check.txt"));
        assertEquals(expected, figures.getLast(), "the line comes back from a device run too");
    }

    @Test
    void aRehearsalOnTheCpuNeedsNoGpuButTheCarriedFiles() throws Exception {
        Path carry = Files.createDirectories(tmp.resolve("carry"));
        Files.writeString(carry.resolve("stories260K.gguf"), "x");
        String missing = carryFiles(carry).replace("; " + carry.resolve("stories260K.gguf") + " (make it with "
                + "native-build/gpu-pack.sh and carry target/gpu-carry)", "");
        assertEquals(new Run(3, "gpu-check: cannot run here: missing " + missing),
                script(Map.of(), "--rehearse-on-cpu", carry.toString()));
    }

    private static String carryFiles(Path carry) {
        List<String> names = new ArrayList<>();
        for (String f : List.of("exo-java.tar.xz", "llama.cpp-b4916.tar.gz", "stories260K.gguf")) {
            names.add(carry.resolve(f) + " (make it with native-build/gpu-pack.sh and carry target/gpu-carry)");
        }
        return String.join("; ", names);
    }
}
