package exo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.gguf.GgmlType;
import exo.gguf.GgufHeader;
import exo.gguf.GgufTensorInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tensor-by-tensor size model (TensorLayout + QuantRules) against published files: a Q4_K_M
 * and a Q8_0 file of one repository share their metadata and tensor index, so where both sizes
 * are exact, size minus the model's tensor data must be the same for both, to the byte. The
 * data figures are also checked against the colleague's independent computation
 * (notes/moe-spec.md 11.3).
 */
class SizeModelTest {
    private static ModelRegistry registry;

    @BeforeAll
    static void load() throws IOException {
        registry = ModelRegistry.parse(Files.readString(Path.of("models.yaml")), "models.yaml");
    }

    private static long dataBytes(ModelSpec m, String quant) {
        long sum = 0;
        for (GgufTensorInfo t : m.tensorTable(quant)) {
            sum += GgufHeader.alignUp(t.byteSize(), QuantRules.ALIGNMENT);
        }
        return sum;
    }

    /** Both files' sizes are exact (no "# estimated"), dense and MoE, from several uploaders. */
    @ParameterizedTest
    @ValueSource(strings = {"llama-3.2-1b", "llama-3.2-3b", "llama-3.1-8b", "llama-3-8b", "mistral-7b", "qwen2.5-7b",
        "qwen3-8b", "qwen3-32b", "qwen3-30b-a3b", "qwen3-coder-30b-a3b"})
    void aPairOfPublishedFilesDiffersExactlyByTheirTensorData(String id) {
        ModelSpec m = registry.get(id);
        long q4 = m.quant("Q4_K_M").size();
        long q8 = m.quant("Q8_0").size();
        long header4 = q4 - dataBytes(m, "Q4_K_M");
        long header8 = q8 - dataBytes(m, "Q8_0");
        assertEquals(header4, header8, id + ": the same header under both files");
        long index = tensorIndexBytes(m);
        assertTrue(header4 > index && header4 < index + 9_000_000,
                id + ": header " + header4 + " holds the tensor index (" + index + ") and a vocabulary's metadata");
    }

    @Test
    void tensorDataMatchesTheIndependentComputation() {
        assertEquals(18_550_716_416L, dataBytes(registry.get("qwen3-30b-a3b"), "Q4_K_M"));
        assertEquals(32_477_962_240L, dataBytes(registry.get("qwen3-30b-a3b"), "Q8_0"));
        assertEquals(579, registry.get("qwen3-30b-a3b").tensorTable("Q8_0").size());
        assertEquals(142_148_069_376L, dataBytes(registry.get("qwen3-235b-a22b"), "Q4_K_M"));
        assertEquals(28_447_727_616L, dataBytes(registry.get("mixtral-8x7b"), "Q4_K_M"));
        assertEquals(16_539_843_584L, dataBytes(registry.get("gemma-3-27b"), "Q4_K_M"));
        // The published headers that follow: 5.97 MB over 5 parts, Mixtral's 32000-token SPM vocabulary, Gemma's 262144.
        assertEquals(6_004_800L, registry.get("qwen3-235b-a22b").quant("Q4_K_M").size() - 142_148_069_376L);
        assertEquals(740_768L, registry.get("mixtral-8x7b").quant("Q4_K_M").size() - 28_447_727_616L);
        assertEquals(6_561_408L, registry.get("gemma-3-27b").quant("Q4_K_M").size() - 16_539_843_584L);
    }

    @Test
    void theTypeRulesOfMixturesOfExperts() {
        var mixtral = types(registry.get("mixtral-8x7b"), "Q4_K_M");
        assertEquals(GgmlType.Q8_0, mixtral.get("blk.10.attn_v.weight"), "8 experts: attn_v Q8_0");
        assertEquals(GgmlType.Q8_0, mixtral.get("blk.10.attn_k.weight"));
        assertEquals(GgmlType.Q5_K, mixtral.get("blk.10.attn_output.weight"));
        assertEquals(GgmlType.F32, mixtral.get("blk.10.ffn_gate_inp.weight"), "routers are never quantized");
        assertEquals(GgmlType.Q6_K, mixtral.get("blk.0.ffn_down_exps.weight"), "use_more_bits by block number");
        assertEquals(GgmlType.Q4_K, mixtral.get("blk.4.ffn_down_exps.weight"));
        var r1 = types(registry.get("deepseek-r1"), "Q4_K_M");
        assertEquals(GgmlType.Q5_0, r1.get("blk.3.attn_k_b.weight"), "rows of 128 cannot be Q4_K");
        assertEquals(GgmlType.Q4_K, r1.get("blk.3.attn_v_b.weight"));
        assertEquals(GgmlType.F32, r1.get("blk.3.exp_probs_b.bias"));
        assertEquals(r1.get("blk.5.ffn_down_exps.weight"), r1.get("blk.5.ffn_down_shexp.weight"),
                "shared and routed down projections of a layer get one type");
        var air = types(registry.get("glm-4.5-air"), "Q4_K_M");
        assertEquals(GgmlType.Q8_0, air.get("blk.0.ffn_down.weight"), "10944 rows: Q6_K falls back to Q8_0");
        assertEquals(GgmlType.Q5_0, air.get("blk.6.ffn_down_exps.weight"), "1408 rows: Q4_K falls back to Q5_0");
        assertTrue(air.containsKey("blk.46.nextn.eh_proj.weight"), "the file carries the NextN block");
        var gemma = types(registry.get("gemma-3-12b"), "Q4_K_M");
        assertEquals(GgmlType.Q6_K, gemma.get("token_embd.weight"), "a tied embedding takes the output rule");
    }

    /** Every estimated size is its model's tensor data plus a header of plausible size (catches typos). */
    @Test
    void everyRegisteredSizeIsItsTensorDataPlusAHeader() {
        for (String id : ModelRegistryTest.MOE_AND_GEMMA) {
            ModelSpec m = registry.get(id);
            for (QuantFile q : m.quants().values()) {
                long header = q.size() - dataBytes(m, q.quant());
                long index = tensorIndexBytes(m);
                assertTrue(header > index && header < index + 9_000_000L + 200L * q.parts(),
                        id + " " + q.quant() + ": header " + header + " vs tensor index " + index);
            }
        }
    }

    private static java.util.Map<String, GgmlType> types(ModelSpec m, String quant) {
        java.util.Map<String, GgmlType> out = new java.util.HashMap<>();
        for (GgufTensorInfo t : m.tensorTable(quant)) {
            out.put(t.name(), t.type());
        }
        return out;
    }

    /** The GGUF tensor index: per tensor its name, rank, dims, type and offset. */
    private static long tensorIndexBytes(ModelSpec m) {
        long sum = 0;
        List<TensorLayout.Tensor> tensors = m.tensorLayout();
        for (TensorLayout.Tensor t : tensors) {
            sum += 8 + t.name().getBytes(StandardCharsets.UTF_8).length + 4 + 8L * t.rank() + 4 + 8;
        }
        return sum;
    }
}
