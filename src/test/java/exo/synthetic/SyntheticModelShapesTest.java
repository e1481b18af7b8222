package exo.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.engine.Activations;
import exo.engine.ggml.GgmlEngine;
import exo.engine.llamacpp.ContextOptions;
import exo.engine.llamacpp.LlamaCppEngine;
import exo.gguf.GgmlType;
import exo.gguf.GgufTensorInfo;
import exo.models.ModelRegistry;
import exo.models.ModelSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Synthetic files of models.yaml's models: the tensors llama.cpp's converter and quantizer write
 * for the architecture (names, shapes, types), a size within 1% of the published file, and a
 * file llama.cpp loads and runs.
 */
class SyntheticModelShapesTest {
    @TempDir
    Path dir;

    private static ModelSpec spec(String id) throws Exception {
        return ModelRegistry.load(Path.of("models.yaml")).get(id);
    }

    /** Every model and quantization models.yaml lists, each with its published (or estimated) file size. */
    static Stream<Arguments> everyRegistryFile() throws Exception {
        return ModelRegistry.load(Path.of("models.yaml")).all().stream()
                .flatMap(m -> m.quants().keySet().stream().map(q -> Arguments.of(m.id(), q)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyRegistryFile")
    void sizeIsWithinOnePercentOfThePublishedFile(String id, String quant) throws Exception {
        ModelSpec spec = spec(id);
        long published = spec.quant(quant).size();
        long synthetic = SyntheticModel.of(spec, quant).writer().fileSize();
        double off = Math.abs(synthetic - published) / (double) published;
        assertTrue(off < 0.01, id + " " + quant + ": synthetic " + synthetic + " B, published " + published + " B ("
                + String.format("%.2f%%", 100 * off) + " apart)");
    }

    @Test
    void llama32OneBQ4KMHasTheConvertersTensorsAndTheQuantizersTypes() throws Exception {
        ModelSpec spec = spec("llama-3.2-1b");
        Map<String, GgufTensorInfo> t = SyntheticModel.of(spec, "Q4_K_M").writer().tensorInfos().stream()
                .collect(Collectors.toMap(GgufTensorInfo::name, Function.identity()));
        // 16 blocks x 9 tensors, embedding, output norm; tied embeddings: no output.weight.
        assertEquals(16 * 9 + 2, t.size());
        assertFalse(t.containsKey("output.weight"));
        assertTensor(t, "token_embd.weight", GgmlType.Q6_K, 2048, 128256); // the output head's type when tied
        assertTensor(t, "output_norm.weight", GgmlType.F32, 2048);
        assertTensor(t, "blk.0.attn_norm.weight", GgmlType.F32, 2048);
        assertTensor(t, "blk.0.attn_q.weight", GgmlType.Q4_K, 2048, 2048);
        assertTensor(t, "blk.0.attn_k.weight", GgmlType.Q4_K, 2048, 512);
        assertTensor(t, "blk.0.attn_output.weight", GgmlType.Q4_K, 2048, 2048);
        assertTensor(t, "blk.0.ffn_gate.weight", GgmlType.Q4_K, 2048, 8192);
        assertTensor(t, "blk.0.ffn_up.weight", GgmlType.Q4_K, 2048, 8192);
        // use_more_bits(i, 16): layers 0, 1, 4, 7, 10, 13, 14, 15 get Q6_K for attn_v and ffn_down.
        List<Integer> more = List.of(0, 1, 4, 7, 10, 13, 14, 15);
        for (int l = 0; l < 16; l++) {
            GgmlType expected = more.contains(l) ? GgmlType.Q6_K : GgmlType.Q4_K;
            assertTensor(t, "blk." + l + ".attn_v.weight", expected, 2048, 512);
            assertTensor(t, "blk." + l + ".ffn_down.weight", expected, 8192, 2048);
        }
    }

    @Test
    void qwenHasBiasesAndRowsThatAreNotWhole256BlocksFallBack() throws Exception {
        ModelSpec spec = spec("qwen2.5-0.5b");
        Map<String, GgufTensorInfo> t = SyntheticModel.of(spec, "Q4_K_M").writer().tensorInfos().stream()
                .collect(Collectors.toMap(GgufTensorInfo::name, Function.identity()));
        assertTensor(t, "blk.3.attn_q.bias", GgmlType.F32, 896);
        assertTensor(t, "blk.3.attn_k.bias", GgmlType.F32, 128);
        // 896 is not a multiple of 256: Q4_K falls back to Q5_0, Q6_K to Q8_0, as llama.cpp's quantizer does.
        assertTensor(t, "blk.3.attn_q.weight", GgmlType.Q5_0, 896, 896);
        assertTensor(t, "token_embd.weight", GgmlType.Q5_0, 896, 151936);
        // The published file has an output head of its own (config.json ties it): Q6_K falls back to Q8_0.
        assertTensor(t, "output.weight", GgmlType.Q8_0, 896, 151936);
        assertTensor(t, "blk.0.ffn_down.weight", GgmlType.Q6_K, 4864, 896); // 4864 = 19 x 256
    }

    @Test
    void llamaCppAndTheGgmlEngineLoadAndRunAWrittenFile() throws Exception {
        Path file = dir.resolve("qwen2.5-0.5b-Q8_0.gguf");
        SyntheticModel.of(spec("qwen2.5-0.5b"), "Q8_0").write(file);
        int[] tokens = {100, 2000, 30000, 150000};
        try (LlamaCppEngine cpp = LlamaCppEngine.open(file, 0, -1, ContextOptions.of(2, 64));
             GgmlEngine ggml = GgmlEngine.open(file, 0, -1, 2, 64)) {
            float[] a = ((Activations.Logits) cpp.forward("s", 0, new Activations.Tokens(tokens))).last();
            float[] b = ((Activations.Logits) ggml.forward("s", 0, new Activations.Tokens(tokens))).last();
            assertEquals(151936, a.length);
            assertTrue(Arrays.equals(a, b), "ggml computes what llama.cpp computes on the synthetic file");
        }
    }

    private static void assertTensor(Map<String, GgufTensorInfo> t, String name, GgmlType type, long... dims) {
        GgufTensorInfo info = t.get(name);
        assertTrue(info != null, name + " is missing");
        assertEquals(type, info.type(), name);
        assertEquals(Arrays.toString(dims), Arrays.toString(info.dims()), name);
    }
}
