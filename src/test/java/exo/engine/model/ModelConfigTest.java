package exo.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.gguf.GgufFormatException;
import exo.gguf.GgufMetadata;
import exo.gguf.GgufValue;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What ModelConfig reads from each architecture's keys, with llama.cpp's defaults and constants. */
class ModelConfigTest {

    private static Map<String, GgufValue> base(String arch, int blocks) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("general.architecture", GgufValue.ofString(arch));
        m.put(arch + ".embedding_length", GgufValue.ofUInt32(7168));
        m.put(arch + ".block_count", GgufValue.ofUInt32(blocks));
        m.put(arch + ".attention.head_count", GgufValue.ofUInt32(128));
        m.put(arch + ".feed_forward_length", GgufValue.ofUInt32(18432));
        m.put(arch + ".vocab_size", GgufValue.ofUInt32(129280));
        m.put(arch + ".context_length", GgufValue.ofUInt32(163840));
        return m;
    }

    private static ModelConfig read(Map<String, GgufValue> m) {
        return ModelConfig.from(new GgufMetadata(m));
    }

    @Test
    void anArchitectureExoDoesNotRunIsNamedWithTheOnesItDoes() {
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> read(base("gpt-oss", 24)));
        assertEquals("unsupported architecture 'gpt-oss' (supported: deepseek2, gemma3, glm4moe, llama, mistral, "
                + "qwen2, qwen2moe, qwen3, qwen3moe)", e.getMessage());
    }

    /** DeepSeek V3 as its GGUFs carry it: YaRN x40 with mscale, sigmoid routing, 8 groups, 3 dense layers. */
    @Test
    void deepseekV3ReadsLatentAttentionYarnAndRouting() {
        Map<String, GgufValue> m = base("deepseek2", 61);
        m.put("deepseek2.attention.head_count_kv", GgufValue.ofUInt32(1));
        m.put("deepseek2.attention.key_length", GgufValue.ofUInt32(576));
        m.put("deepseek2.attention.value_length", GgufValue.ofUInt32(512));
        m.put("deepseek2.attention.key_length_mla", GgufValue.ofUInt32(192));
        m.put("deepseek2.attention.value_length_mla", GgufValue.ofUInt32(128));
        m.put("deepseek2.attention.q_lora_rank", GgufValue.ofUInt32(1536));
        m.put("deepseek2.attention.kv_lora_rank", GgufValue.ofUInt32(512));
        m.put("deepseek2.rope.dimension_count", GgufValue.ofUInt32(64));
        m.put("deepseek2.rope.scaling.type", GgufValue.ofString("yarn"));
        m.put("deepseek2.rope.scaling.factor", GgufValue.ofFloat32(40f));
        m.put("deepseek2.rope.scaling.original_context_length", GgufValue.ofUInt32(4096));
        m.put("deepseek2.rope.scaling.yarn_log_multiplier", GgufValue.ofFloat32(0.1f));
        m.put("deepseek2.leading_dense_block_count", GgufValue.ofUInt32(3));
        m.put("deepseek2.expert_count", GgufValue.ofUInt32(256));
        m.put("deepseek2.expert_used_count", GgufValue.ofUInt32(8));
        m.put("deepseek2.expert_feed_forward_length", GgufValue.ofUInt32(2048));
        m.put("deepseek2.expert_shared_count", GgufValue.ofUInt32(1));
        m.put("deepseek2.expert_weights_scale", GgufValue.ofFloat32(2.5f));
        m.put("deepseek2.expert_weights_norm", GgufValue.ofBool(true));
        m.put("deepseek2.expert_gating_func", GgufValue.ofUInt32(2));
        m.put("deepseek2.expert_group_count", GgufValue.ofUInt32(8));
        m.put("deepseek2.expert_group_used_count", GgufValue.ofUInt32(4));
        ModelConfig c = read(m);
        LatentConfig l = c.latent().orElseThrow();
        assertTrue(l.split());
        assertEquals(192, c.headDim());
        assertEquals(128, c.valueDim());
        assertEquals(576, c.keyCacheWidth(), "the cache holds the latent and the roped key");
        assertEquals(0, c.valueCacheWidth());
        // The spec's figures: kq_scale 1.873855 / sqrt(192), rope attn_factor 1 / (1 + 0.1 ln 40).
        assertEquals(0.135234, c.attentionScale(), 1e-6);
        assertEquals(0.730520, c.rope().attnFactor(), 1e-6);
        assertEquals(1f / 40, c.rope().freqScale());
        assertEquals(1f, c.rope().extFactor());
        assertEquals(4096, c.rope().originalContext());
        assertFalse(c.rope().neox());
        ExpertConfig e = c.experts().orElseThrow();
        assertEquals(ExpertConfig.Gating.SIGMOID, e.gating());
        assertTrue(e.normalize() && e.scaled() && e.groupLimited());
        assertEquals(2048, e.sharedFfn());
        assertFalse(c.isMoeLayer(2));
        assertTrue(c.isMoeLayer(3));
        // The same model in b4916's layout: per-head keys and values are cached.
        m.put("deepseek2.attention.head_count_kv", GgufValue.ofUInt32(128));
        m.put("deepseek2.attention.key_length", GgufValue.ofUInt32(192));
        m.put("deepseek2.attention.value_length", GgufValue.ofUInt32(128));
        m.remove("deepseek2.attention.key_length_mla");
        m.remove("deepseek2.attention.value_length_mla");
        ModelConfig kvb = read(m);
        assertFalse(kvb.latent().orElseThrow().split());
        assertEquals(128 * 192, kvb.keyCacheWidth());
        assertEquals(128 * 128, kvb.valueCacheWidth());
        assertEquals(c.attentionScale(), kvb.attentionScale());
    }

    @Test
    void glmsPredictionBlockIsNotALayerAndItsRoutingDefaultsToSigmoid() {
        Map<String, GgufValue> m = base("glm4moe", 47);
        m.put("glm4moe.embedding_length", GgufValue.ofUInt32(4096));
        m.put("glm4moe.attention.head_count", GgufValue.ofUInt32(96));
        m.put("glm4moe.attention.head_count_kv", GgufValue.ofUInt32(8));
        m.put("glm4moe.attention.key_length", GgufValue.ofUInt32(128));
        m.put("glm4moe.attention.value_length", GgufValue.ofUInt32(128));
        m.put("glm4moe.rope.dimension_count", GgufValue.ofUInt32(64));
        m.put("glm4moe.nextn_predict_layers", GgufValue.ofUInt32(1));
        m.put("glm4moe.expert_count", GgufValue.ofUInt32(128));
        m.put("glm4moe.expert_used_count", GgufValue.ofUInt32(8));
        m.put("glm4moe.expert_feed_forward_length", GgufValue.ofUInt32(1408));
        m.put("glm4moe.expert_shared_count", GgufValue.ofUInt32(1));
        m.put("glm4moe.leading_dense_block_count", GgufValue.ofUInt32(1));
        ModelConfig c = read(m);
        assertEquals(46, c.layers());
        assertEquals(64, c.rope().dims(), "rope over half of each 128-wide head");
        assertTrue(c.rope().neox());
        ExpertConfig e = c.experts().orElseThrow();
        assertEquals(ExpertConfig.Gating.SIGMOID, e.gating());
        assertFalse(e.scaled(), "no expert_weights_scale: no scaling");
        assertEquals(2 * 128 * 8, c.keyCacheWidth() + c.valueCacheWidth());
    }

    @Test
    void gemma3HasItsWindowItsLocalRopeAndItsScales() {
        Map<String, GgufValue> m = base("gemma3", 62);
        m.put("gemma3.embedding_length", GgufValue.ofUInt32(5376));
        m.put("gemma3.attention.head_count", GgufValue.ofUInt32(32));
        m.put("gemma3.attention.head_count_kv", GgufValue.ofUInt32(16));
        m.put("gemma3.attention.key_length", GgufValue.ofUInt32(128));
        m.put("gemma3.attention.value_length", GgufValue.ofUInt32(128));
        m.put("gemma3.attention.sliding_window", GgufValue.ofUInt32(1024));
        m.put("gemma3.rope.freq_base", GgufValue.ofFloat32(1e6f));
        m.put("gemma3.rope.scaling.type", GgufValue.ofString("linear"));
        m.put("gemma3.rope.scaling.factor", GgufValue.ofFloat32(8f));
        ModelConfig c = read(m);
        assertTrue(c.isSlidingLayer(0) && c.isSlidingLayer(4));
        assertFalse(c.isSlidingLayer(5), "every sixth layer is global");
        assertEquals(10000f, c.ropeFor(0).base());
        assertEquals(1f, c.ropeFor(0).freqScale());
        assertEquals(1e6f, c.ropeFor(5).base());
        assertEquals(0.125f, c.ropeFor(5).freqScale());
        // 62 blocks is llama.cpp's "27B", whose queries are scaled by dim / heads = 168, not the head width.
        assertEquals(1f / (float) Math.sqrt(168), c.attentionScale());
        assertEquals((float) Math.sqrt(5376), c.embeddingScale());
        assertTrue(c.experts().isEmpty());
    }

    @Test
    void mixtralIsLlamaWithExpertsWhoseWidthIsTheFeedForwardLength() {
        Map<String, GgufValue> m = base("llama", 32);
        m.put("llama.embedding_length", GgufValue.ofUInt32(4096));
        m.put("llama.attention.head_count", GgufValue.ofUInt32(32));
        m.put("llama.attention.head_count_kv", GgufValue.ofUInt32(8));
        m.put("llama.feed_forward_length", GgufValue.ofUInt32(14336));
        m.put("llama.expert_count", GgufValue.ofUInt32(8));
        m.put("llama.expert_used_count", GgufValue.ofUInt32(2));
        ModelConfig c = read(m);
        ExpertConfig e = c.experts().orElseThrow();
        assertEquals(14336, e.ffn());
        assertTrue(e.normalize());
        assertEquals(ExpertConfig.Gating.SOFTMAX, e.gating());
        assertTrue(c.isMoeLayer(0));
    }

    @Test
    void impossibleExpertsAreADamagedFile() {
        Map<String, GgufValue> m = base("qwen3moe", 48);
        m.put("qwen3moe.expert_count", GgufValue.ofUInt32(128));
        m.put("qwen3moe.expert_used_count", GgufValue.ofUInt32(129));
        assertThrows(GgufFormatException.class, () -> read(m));
        m.put("qwen3moe.expert_used_count", GgufValue.ofUInt32(0));
        assertThrows(GgufFormatException.class, () -> read(m));
    }
}
