package exo.engine.ggml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.synthetic.SyntheticModel;
import exo.engine.Activations;
import exo.engine.GpuMode;
import exo.engine.llamacpp.Logits;
import exo.gguf.GgmlType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Devices and the GPU's way of holding a slice. This machine has no GPU, so the GPU path runs
 * on the CPU device: weights copied into a buffer of the device (not read in place) and the
 * head's embedding looked up on the host. That is everything a GPU slice does differently but
 * for the backend's init, and it must give the in-place engine's bits.
 */
class GgmlDeviceTest {
    private static final int[] PROMPT = {1, 403, 407, 261, 378}; // BOS "Once upon a time" in stories260K

    @TempDir
    Path tmp;

    @Test
    void theLibraryListsItsCpuWithItsMemory() {
        List<GgmlDevices.Device> devices = GgmlDevices.list();
        GgmlDevices.Device cpu = devices.stream().filter(d -> d.kind() == GgmlDevices.Kind.CPU).findFirst()
                .orElseThrow();
        assertEquals("CPU", cpu.name());
        assertTrue(cpu.freeBytes() <= cpu.totalBytes(), cpu.toString()); // b4916 reports 0 of 0 for the CPU on Linux
        assertEquals(GgmlDevices.Kind.CPU, GgmlDevices.choose(GpuMode.OFF).kind());
    }

    @Test
    void autoPrefersTheFirstGpuAndOffTheCpu() {
        var cpu = new GgmlDevices.Device(0, "CPU", "x86", GgmlDevices.Kind.CPU, 1, 2);
        var blas = new GgmlDevices.Device(1, "BLAS", "OpenBLAS", GgmlDevices.Kind.ACCEL, 0, 0);
        var metal = new GgmlDevices.Device(2, "Metal", "Apple M2", GgmlDevices.Kind.GPU, 1, 2);
        var cuda1 = new GgmlDevices.Device(3, "CUDA1", "RTX", GgmlDevices.Kind.GPU, 1, 2);
        assertEquals(metal, GgmlDevices.choose(List.of(cpu, blas, metal, cuda1), GpuMode.AUTO));
        assertEquals(cpu, GgmlDevices.choose(List.of(cpu, blas, metal), GpuMode.OFF));
        assertEquals(cpu, GgmlDevices.choose(List.of(cpu, blas), GpuMode.AUTO), "an accelerator is not a GPU");
        assertEquals("the GPU mode is auto or off, not 'on'",
                org.junit.jupiter.api.Assertions.assertThrows(exo.InvalidInputException.class,
                        () -> GpuMode.parse("on")).getMessage());
    }

    /** A GPU's placement (uploaded weights, embedding on the host) gives the bits of weights read in place. */
    @ParameterizedTest
    @ValueSource(strings = {"Q4_K_M", "Q8_0", "F16"})
    void uploadedWeightsAndAHostEmbeddingGiveTheInPlaceBits(String quant) throws Exception {
        Path model = tmp.resolve(quant + ".gguf");
        new SyntheticModel(256, 3, 8, 4, 512, 1024, 512, GgmlType.F32, 11).quantized(quant).write(model);
        assertSameLogits(model, 3);
    }

    /**
     * The architectures' own tensors and inputs placed as for a GPU: expert stacks and latent
     * attention's per-head stacks uploaded, Gemma's embedding rows scaled after the host looks
     * them up.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void architecturesUploadedGiveTheInPlaceBits(exo.synthetic.TestArchitectures.Case c) throws Exception {
        GgmlApi api = GgmlApi.bundled();
        GgmlDevices.Device cpu = GgmlDevices.choose(GpuMode.OFF);
        int[] tokens = {1, 300, 301, 302, 303, 280};
        try (GgmlEngine inPlace = GgmlEngine.open(c.file(), 0, -1, 1, 128);
             GgmlEngine uploaded = GgmlEngine.open(api, cpu, true, c.file(), 0, -1, 1, 128)) {
            for (int step = 0, position = 0; step < 3; step++) {
                var x = (Activations.Logits) inPlace.forward("s", position, new Activations.Tokens(tokens), true);
                var y = (Activations.Logits) uploaded.forward("s", position, new Activations.Tokens(tokens), true);
                assertArrayEquals(x.data(), y.data(), c + " step " + step);
                position += tokens.length;
                tokens = new int[] {Logits.argmax(x.last())};
            }
        }
    }

    static java.util.stream.Stream<exo.synthetic.TestArchitectures.Case> architectures() {
        return java.util.stream.Stream.of(exo.synthetic.TestArchitectures.mixtral("Q4_K_M"),
                exo.synthetic.TestArchitectures.deepseek3Mla("Q8_0"), exo.synthetic.TestArchitectures.gemma3("Q4_K_M"));
    }

    @Test
    void storiesHeadSliceAndWholeModelUploaded() throws Exception {
        assertSameLogits(TestModels.stories260K(), 5);
        GgmlApi api = GgmlApi.bundled();
        GgmlDevices.Device cpu = GgmlDevices.choose(GpuMode.OFF);
        Path model = TestModels.stories260K();
        // An uploaded head slice feeds an in-place rest of the model: the ring does not care where a slice lives.
        try (GgmlEngine whole = GgmlEngine.open(model, 0, -1, 2, 512);
             GgmlEngine head = GgmlEngine.open(api, cpu, true, model, 0, 2, 2, 512);
             GgmlEngine rest = GgmlEngine.open(model, 2, -1, 2, 512)) {
            float[] x = ((Activations.Logits) whole.forward("s", 0, new Activations.Tokens(PROMPT), true)).data();
            float[] y = ((Activations.Logits) rest.forward("s", 0,
                    head.forward("s", 0, new Activations.Tokens(PROMPT)), true)).data();
            assertArrayEquals(x, y);
        }
    }

    private static void assertSameLogits(Path model, int layers) throws Exception {
        GgmlApi api = GgmlApi.bundled();
        GgmlDevices.Device cpu = GgmlDevices.choose(GpuMode.OFF);
        try (GgmlEngine inPlace = GgmlEngine.open(model, 0, -1, 2, 512);
             GgmlEngine uploaded = GgmlEngine.open(api, cpu, true, model, 0, -1, 2, 512)) {
            assertEquals("CPU", uploaded.backendName());
            assertEquals(layers, uploaded.shard().layers());
            int[] tokens = PROMPT;
            int position = 0;
            for (int step = 0; step < 12; step++) {
                var x = (Activations.Logits) inPlace.forward("s", position, new Activations.Tokens(tokens), true);
                var y = (Activations.Logits) uploaded.forward("s", position, new Activations.Tokens(tokens), true);
                assertArrayEquals(x.data(), y.data(), model.getFileName() + " step " + step);
                position += tokens.length;
                tokens = new int[] {Logits.argmax(x.last())};
            }
        }
    }
}
