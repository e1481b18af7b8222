package exo.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.gguf.GgmlType;
import exo.gguf.GgufHeader;
import exo.gguf.GgufTensorInfo;
import exo.models.ModelRegistry;
import exo.models.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plan arithmetic for mixtures of experts and latent attention against tensor tables: headers
 * of the real models' shapes (DeepSeek R1, Qwen3 30B-A3B, GLM-4.5-Air, Gemma 3 12B) written
 * with GgufWriter's layout and parsed as a range-fetched header would be, and small ones of
 * both DeepSeek attention layouts. Expected sizes are summed here from the headers' own
 * tensor tables, block by block.
 */
class MoePlanTest {
    private static final long GIB = 1L << 30;
    private static ModelRegistry registry;

    @BeforeAll
    static void load() throws IOException {
        registry = ModelRegistry.parse(Files.readString(Path.of("models.yaml")), "models.yaml");
    }

    /** The header a file of {@code spec} in Q4_K_M would have: the size model's types, the converter's keys. */
    private static GgufHeader header(ModelSpec spec, String... keys) {
        HeaderOnlyGguf h = new HeaderOnlyGguf();
        String arch = spec.architecture().id().equals("mistral") ? "llama" : spec.architecture().id();
        var s = spec.shape();
        h.put("general.architecture", arch)
                .put(arch + ".block_count", s.layers() + s.nextnLayers())
                .put(arch + ".embedding_length", s.embedding())
                .put(arch + ".feed_forward_length", s.ffn())
                .put(arch + ".attention.head_count", s.heads())
                .put(arch + ".attention.head_count_kv", s.latent().present() ? 1 : s.kvHeads());
        if (s.experts().present()) {
            h.put(arch + ".expert_count", s.experts().count()).put(arch + ".expert_used_count", s.experts().used());
        }
        if (s.nextnLayers() > 0) {
            h.put(arch + ".nextn_predict_layers", s.nextnLayers());
        }
        if (s.latent().present()) {
            var a = s.latent();
            h.put(arch + ".attention.kv_lora_rank", a.kvLoraRank()).put(arch + ".attention.q_lora_rank", a.qLoraRank())
                    .put(arch + ".rope.dimension_count", a.ropeDim())
                    .put(arch + ".attention.key_length", a.kvLoraRank() + a.ropeDim())
                    .put(arch + ".attention.value_length", a.kvLoraRank())
                    .put(arch + ".attention.key_length_mla", a.nopeDim() + a.ropeDim())
                    .put(arch + ".attention.value_length_mla", a.valueDim());
        } else {
            h.put(arch + ".attention.key_length", s.headDim()).put(arch + ".attention.value_length", s.headDim());
        }
        for (int i = 0; i < keys.length; i += 2) {
            h.put(keys[i], Integer.valueOf(keys[i + 1]));
        }
        for (GgufTensorInfo t : spec.tensorTable("Q4_K_M")) {
            h.tensor(t.name(), t.type(), t.dims());
        }
        return h.header();
    }

    /** Bytes of block {@code b}'s tensors in a header, and what a token reads of them, summed here. */
    private static long[] block(GgufHeader h, int b, int experts, int used) {
        long all = 0;
        long active = 0;
        for (GgufTensorInfo t : h.tensors()) {
            if (t.name().startsWith("blk." + b + ".")) {
                all += t.byteSize();
                active += t.name().contains("_exps") ? t.byteSize() * used / experts : t.byteSize();
            }
        }
        return new long[] {all, active};
    }

    private static long tensor(GgufHeader h, String name) {
        return h.tensor(name).byteSize();
    }

    private static List<DeviceCapabilities> devices(long... gib) {
        List<DeviceCapabilities> out = new java.util.ArrayList<>();
        for (int i = 0; i < gib.length; i++) {
            out.add(DeviceCapabilities.hypothetical(String.valueOf((char) ('a' + i)), gib[i] * GIB));
        }
        return out;
    }

    @Test
    void deepSeekR1LayersAreSizedFromItsTensorTable() {
        ModelSpec r1 = registry.get("deepseek-r1");
        GgufHeader h = header(r1);
        GgufPlanInput in = GgufPlanInput.of(h);
        ModelBytes b = in.bytes();
        assertEquals(61, b.layers());
        for (int l = 0; l < 61; l++) {
            long[] want = block(h, l, 256, 8);
            assertEquals(want[0], b.layer(l), "layer " + l);
            assertEquals(want[1], b.activeLayer(l), "layer " + l + " active");
        }
        // Dense leading layers hold a twentieth of an expert layer, but a token reads about as much of each.
        assertTrue(b.layer(2) * 15 < b.layer(3), b.layer(2) + " vs " + b.layer(3));
        assertTrue(Math.abs(b.activeLayer(2) - b.activeLayer(3)) < b.activeLayer(3) / 5);
        long experts = tensor(h, "blk.3.ffn_gate_exps.weight") + tensor(h, "blk.3.ffn_up_exps.weight")
                + tensor(h, "blk.3.ffn_down_exps.weight");
        assertEquals(b.layer(3) - experts * 248 / 256, b.activeLayer(3), "a token skips 248 of 256 experts");
        assertEquals(576, in.kvElementsPerTokenPerLayer(), "MLA cache: kv_lora_rank 512 + rope 64");
        assertEquals(tensor(h, "token_embd.weight"), b.embeddingBytes());
        assertEquals(tensor(h, "output.weight") + tensor(h, "output_norm.weight"), b.outputBytes());

        // The registry's own table (size model, no header) sizes the layers the same way.
        var e = r1.shape().experts();
        assertEquals(b, ModelBytes.of(r1.tensorTable("Q4_K_M"), 61, e.count(), e.used()));

        MemoryEstimate est = in.estimate(4096, MemoryEstimate.KV_BYTES_F32);
        assertEquals(61L * 4096 * 576 * 4, est.kvBytes(Shard.whole("r1", 61)));
        RingPlan plan = RingPlan.plan(devices(192, 192, 128), "deepseek-r1", null, est);
        assertTrue(plan.fits(), "the issue's example ring fits");
        assertEquals(RingPlan.Basis.WORK, plan.basis());
        long weights = 0;
        for (RingPlan.Node n : plan.nodes()) {
            Shard s = n.assignment().shard();
            long sum = 0;
            for (int l = s.start(); l < s.end(); l++) {
                sum += block(h, l, 256, 8)[0];
            }
            sum += s.isFirst() ? b.embeddingBytes() : 0;
            sum += s.isLast() ? b.outputBytes() : 0;
            assertEquals(sum, n.weightBytes(), n.assignment().device().name());
            weights += n.weightBytes();
        }
        assertEquals(b.totalBytes(), weights);
        assertEquals("[23, 24, 14]", java.util.Arrays.toString(plan.nodes().stream()
                .mapToInt(n -> n.assignment().shard().layerCount()).toArray()));
    }

    /**
     * Two equal machines barely big enough: shared by work, the tail gets the heavy half (the
     * head's three dense layers weigh little); shared by memory it fits.
     */
    @Test
    void whereTheWorkSplitDoesNotFitTheMemorySplitDoes() {
        MemoryEstimate est = GgufPlanInput.of(header(registry.get("deepseek-r1"))).estimate(4096, 4);
        List<DeviceCapabilities> two = devices(190, 190);
        RingPlan byWork = RingPlan.check(RingMemoryWeighted.byCost(est.workCosts()).partition(two, "r1", 61, null), est);
        assertFalse(byWork.fits());
        RingPlan plan = RingPlan.plan(two, "r1", null, est);
        assertTrue(plan.fits());
        assertEquals(RingPlan.Basis.MEMORY, plan.basis());
        assertTrue(plan.nodes().get(0).assignment().shard().layerCount()
                > byWork.nodes().get(0).assignment().shard().layerCount(), "the head takes more of the small layers");
    }

    @Test
    void olderDeepSeekFilesCacheEveryHeadsKeysAndValues() {
        HeaderOnlyGguf h = new HeaderOnlyGguf().put("general.architecture", "deepseek2")
                .put("deepseek2.block_count", 2).put("deepseek2.embedding_length", 256)
                .put("deepseek2.attention.head_count", 8).put("deepseek2.attention.head_count_kv", 8)
                .put("deepseek2.attention.key_length", 48).put("deepseek2.attention.value_length", 32)
                .put("deepseek2.attention.kv_lora_rank", 64).put("deepseek2.rope.dimension_count", 16);
        for (int l = 0; l < 2; l++) {
            h.tensor("blk." + l + ".attn_kv_a_mqa.weight", GgmlType.F16, 256, 80)
                    .tensor("blk." + l + ".attn_kv_b.weight", GgmlType.F16, 64, 8 * (32 + 32));
        }
        assertEquals(8 * (48 + 32), GgufPlanInput.of(h.header()).kvElementsPerTokenPerLayer(),
                "attn_kv_b layout: K and V of 8 heads, as llama.cpp b4916 caches them");
    }

    @Test
    void qwen3MoeReadsEightOfItsExpertsPerToken() {
        ModelSpec q = registry.get("qwen3-30b-a3b");
        GgufHeader h = header(q);
        GgufPlanInput in = GgufPlanInput.of(h);
        assertEquals(2 * 4 * 128, in.kvElementsPerTokenPerLayer());
        for (int l : new int[] {0, 5, 47}) {
            long[] want = block(h, l, 128, 8);
            assertEquals(want[0], in.bytes().layer(l));
            assertEquals(want[1], in.bytes().activeLayer(l));
        }
        // 3.35B of 30.5B parameters are active; in bytes a little more (the Q6_K head is read in full).
        double share = (double) in.bytes().totalActiveBytes() / in.bytes().totalBytes();
        assertTrue(share > 0.10 && share < 0.16, "active share " + share);
    }

    @Test
    void glmNextTokenPredictionBlockIsInNoShard() {
        ModelSpec air = registry.get("glm-4.5-air");
        GgufHeader h = header(air);
        assertTrue(h.tensor("blk.46.nextn.eh_proj.weight") != null && h.tensor("blk.46.ffn_up_exps.weight") != null);
        GgufPlanInput in = GgufPlanInput.of(h);
        assertEquals(46, in.bytes().layers(), "block_count 47 less one NextN block");
        long all = h.tensors().stream().mapToLong(GgufTensorInfo::byteSize).sum();
        assertEquals(all - block(h, 46, 128, 8)[0], in.bytes().totalBytes());
        assertTrue(in.bytes().layer(0) * 10 < in.bytes().layer(1), "one dense leading layer");
    }

    @Test
    void gemmaTiedHeadIsTheEmbeddingOnTheTail() {
        ModelSpec g = registry.get("gemma-3-12b");
        GgufHeader h = header(g);
        GgufPlanInput in = GgufPlanInput.of(h);
        long embd = tensor(h, "token_embd.weight");
        assertTrue(in.bytes().tiedOutput());
        assertEquals(embd + tensor(h, "output_norm.weight"), in.bytes().outputBytes());
        MemoryEstimate e = in.estimate(1024, 4);
        long layers = 0;
        for (int l = 0; l < 48; l++) {
            layers += in.bytes().layer(l);
        }
        assertEquals(layers + embd + tensor(h, "output_norm.weight"), e.weightBytes(Shard.whole("g", 48)),
                "one machine holds the embedding once");
        assertEquals(in.bytes().layer(47) + embd + tensor(h, "output_norm.weight"),
                e.weightBytes(new Shard("g", 47, 48, 48)), "a tail holds the embedding as its head");
        assertEquals(2 * 8 * 256, in.kvElementsPerTokenPerLayer(), "full-length cache on sliding-window layers too");
    }

    /** Costs of different sizes move the boundary: the split is by bytes, not layer counts. */
    @Test
    void boundariesFollowCostsNotLayerCounts() {
        LayerCosts costs = new LayerCosts(new long[] {1, 1, 1, 10, 10, 10}, 0, 0);
        Partition p = RingMemoryWeighted.byCost(costs).partition(devices(8, 8), "m", 6, null);
        assertArrayEquals(new int[] {4, 2}, p.ring().stream().mapToInt(a -> a.shard().layerCount()).toArray(),
                "33 units: the first 13 (3 small + 1 large) to one machine, 20 to the other");
        Partition head = RingMemoryWeighted.byCost(new LayerCosts(new long[] {1, 1, 1, 1}, 6, 0))
                .partition(devices(8, 8), "m", 4, null);
        assertArrayEquals(new int[] {1, 3}, head.ring().stream().mapToInt(a -> a.shard().layerCount()).toArray(),
                "a heavy embedding leaves the head fewer layers");
        assertThrows(IllegalArgumentException.class,
                () -> RingMemoryWeighted.byCost(costs).partition(devices(8, 8), "m", 5, null));
    }
}
