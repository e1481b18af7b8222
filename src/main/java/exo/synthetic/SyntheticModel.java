package exo.synthetic;

import exo.InvalidInputException;
import exo.engine.ggml.GgmlQuants;
import exo.engine.java.tensor.Quantizer;
import exo.engine.model.ExpertConfig;
import exo.gguf.GgmlType;
import exo.gguf.GgufArray;
import exo.gguf.GgufValueType;
import exo.gguf.GgufWriter;
import exo.models.Architecture;
import exo.models.QuantRules;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Writes a GGUF with random weights that both engines and llama.cpp load, with the keys, tensor
 * names, shapes and types llama.cpp's converter and quantizer give the architecture: llama (with
 * experts: Mixtral), qwen2, qwen3, qwen2moe, qwen3moe, deepseek2 (either attention layout),
 * glm4moe (with its next-token-prediction block) and gemma3. For tests (small shapes in every
 * tensor type) and benchmarks (a real model's shapes). Weights are uniform in +-1/sqrt(fan-in)
 * so activations stay near unit scale through the layers; norms are near 1. The vocabulary is a
 * SentencePiece one (unk, bos, eos, 256 byte tokens, filler pieces) so that llama.cpp accepts
 * the file; tests feed token ids, not text.
 *
 * <p>The dense shape is the record's; what else the model has is in {@link Features}: its experts,
 * its latent attention, Gemma's sliding window, GLM's prediction block and Q/K norms.
 */
public record SyntheticModel(int dim, int layers, int heads, int kvHeads, int headDim, int ffn, int vocab, int context,
                             QuantMix mix, long seed, String architecture, boolean tiedEmbeddings, Features features) {

    /** The architectures this writer makes. */
    static final Set<String> ARCHITECTURES = Set.of("llama", "qwen2", "qwen3", "qwen2moe", "qwen3moe", "deepseek2",
            "glm4moe", "gemma3");

    /**
     * A mixture of experts: {@code count} routed experts of width {@code ffn}, {@code used} per
     * token, {@code shared} always-on ones (each {@code ffn} wide), the first {@code denseLead}
     * layers dense; the router's gating, whether the chosen weights are renormalised and by what
     * they are scaled, whether a selection bias ({@code exp_probs_b}) is written, and DeepSeek V3's
     * expert groups ({@code groups} 0 for none).
     */
    public record Experts(int count, int used, int ffn, int shared, int denseLead, ExpertConfig.Gating gating,
                          boolean normalize, float scale, boolean selectionBias, int groups, int groupsUsed) {
        public Experts {
            if (count < 2 || used < 1 || used > count || ffn < 1 || shared < 0 || denseLead < 0 || gating == null
                    || groups < 0 || groups > 1 && (count % groups != 0 || groupsUsed < 1 || groupsUsed > groups)) {
                throw new IllegalArgumentException("inconsistent synthetic experts");
            }
        }

        /** Softmax routing of {@code used} of {@code count} experts of width {@code ffn}, nothing shared. */
        public static Experts routed(int count, int used, int ffn) {
            return new Experts(count, used, ffn, 0, 0, ExpertConfig.Gating.SOFTMAX, true, 1f, false, 0, 0);
        }

        public Experts withShared(int n) {
            return new Experts(count, used, ffn, n, denseLead, gating, normalize, scale, selectionBias, groups, groupsUsed);
        }

        public Experts withDenseLead(int n) {
            return new Experts(count, used, ffn, shared, n, gating, normalize, scale, selectionBias, groups, groupsUsed);
        }

        /** DeepSeek V3's routing: sigmoid scores, a selection bias, renormalised, times {@code weightScale}. */
        public Experts sigmoid(float weightScale) {
            return new Experts(count, used, ffn, shared, denseLead, ExpertConfig.Gating.SIGMOID, true, weightScale, true,
                    groups, groupsUsed);
        }

        /** Softmax routing, not renormalised, times {@code weightScale} (DeepSeek V2). */
        public Experts softmaxUnnormalised(float weightScale) {
            return new Experts(count, used, ffn, shared, denseLead, ExpertConfig.Gating.SOFTMAX, false, weightScale,
                    false, groups, groupsUsed);
        }

        /** Group-limited selection: the best {@code used} of {@code n} groups. */
        public Experts withGroups(int n, int used) {
            return new Experts(count, this.used, ffn, shared, denseLead, gating, normalize, scale, selectionBias, n, used);
        }
    }

    /**
     * DeepSeek's latent attention: query rank ({@code 0}: a plain attn_q, "lite"), latent rank,
     * per-head unroped and roped key widths, value width; {@code split} writes attn_k_b and
     * attn_v_b (files converted since mid-2025) instead of attn_kv_b, from the same random values;
     * {@code yarnFactor} > 1 writes YaRN scaling with that factor.
     */
    public record Latent(int qRank, int kvRank, int nopeDim, int ropeDim, int valueDim, boolean split,
                         float yarnFactor) {
        public Latent {
            if (qRank < 0 || kvRank < 1 || nopeDim < 1 || ropeDim < 2 || ropeDim % 2 != 0 || valueDim < 1) {
                throw new IllegalArgumentException("inconsistent synthetic latent attention");
            }
        }

        /** The same weights in the other attention layout. */
        public Latent split(boolean split) {
            return new Latent(qRank, kvRank, nopeDim, ropeDim, valueDim, split, yarnFactor);
        }
    }

    /**
     * What a model has beyond the dense shape.
     *
     * @param slidingWindow Gemma 3's local window (0: none)
     * @param nextnLayers   GLM's next-token-prediction blocks after the layers
     * @param qkNorm        GLM 4.5's per-head Q/K norms (GLM-4.5-Air has none)
     */
    public record Features(Experts experts, Latent latent, int slidingWindow, int nextnLayers, boolean qkNorm) {
        public static final Features NONE = new Features(null, null, 0, 0, false);

        public Features {
            if (slidingWindow < 0 || nextnLayers < 0) {
                throw new IllegalArgumentException("inconsistent synthetic features");
            }
        }
    }

    /** A llama-architecture model with every matrix of {@code type} and heads of dim / heads. */
    public SyntheticModel(int dim, int layers, int heads, int kvHeads, int ffn, int vocab, int context, GgmlType type,
                          long seed) {
        this(dim, layers, heads, kvHeads, dim / heads, ffn, vocab, context, QuantMix.uniform(type), seed, "llama", false,
                Features.NONE);
    }

    /**
     * The same shape as another architecture: qwen2 adds Q/K/V biases, qwen3 per-head Q/K norms,
     * gemma3 ties the output to the embedding (give it a window with {@link #withSlidingWindow}).
     */
    public SyntheticModel as(String arch) {
        return new SyntheticModel(dim, layers, heads, kvHeads, headDim, ffn, vocab, context, mix, seed, arch,
                tiedEmbeddings || arch.equals("gemma3"), features);
    }

    /** The same shape with the tensor types llama.cpp's quantizer gives {@code quantization} (e.g. Q4_K_M). */
    public SyntheticModel quantized(String quantization) {
        return new SyntheticModel(dim, layers, heads, kvHeads, headDim, ffn, vocab, context, QuantMix.of(quantization),
                seed, architecture, tiedEmbeddings, features);
    }

    public SyntheticModel withExperts(Experts experts) {
        return with(new Features(experts, features.latent(), features.slidingWindow(), features.nextnLayers(),
                features.qkNorm()));
    }

    public SyntheticModel withLatent(Latent latent) {
        return with(new Features(features.experts(), latent, features.slidingWindow(), features.nextnLayers(),
                features.qkNorm()));
    }

    public SyntheticModel withSlidingWindow(int window) {
        return with(new Features(features.experts(), features.latent(), window, features.nextnLayers(), features.qkNorm()));
    }

    /** GLM: {@code n} prediction blocks after the layers, and Q/K norms or not. */
    public SyntheticModel withGlm(int n, boolean qkNorm) {
        return with(new Features(features.experts(), features.latent(), features.slidingWindow(), n, qkNorm));
    }

    /** The same weights with a different seed for the vocabulary-independent parts: another random model. */
    public SyntheticModel withSeed(long newSeed) {
        return new SyntheticModel(dim, layers, heads, kvHeads, headDim, ffn, vocab, context, mix, newSeed, architecture,
                tiedEmbeddings, features);
    }

    private SyntheticModel with(Features f) {
        return new SyntheticModel(dim, layers, heads, kvHeads, headDim, ffn, vocab, context, mix, seed, architecture,
                tiedEmbeddings, f);
    }

    /**
     * A model of {@code spec}'s exact shape (models.yaml) in {@code quantization}'s tensor types,
     * with random weights: its experts, latent attention, sliding window and prediction blocks
     * as the registry gives them. Mistral files are written as llama, as its published GGUFs are;
     * the context is capped at 8192 since nothing here needs more.
     *
     * <p>models.yaml holds what sizes a file and a token's reads, not every routing constant: the
     * families that route by sigmoid with a selection bias (deepseek2 as DeepSeek V3 and Kimi K2
     * have it, glm4moe) get it, unscaled and without expert groups, and latent attention is
     * written in the {@code attn_k_b}/{@code attn_v_b} layout of current downloads without YaRN.
     * None of these changes a tensor's size or what a token reads.
     *
     * @throws InvalidInputException for a shape this writer cannot make (shared experts of
     *     another width than the routed ones)
     */
    public static SyntheticModel of(exo.models.ModelSpec spec, String quantization) {
        var s = spec.shape();
        String arch = spec.architecture() == exo.models.Architecture.MISTRAL ? "llama" : spec.architecture().id();
        SyntheticModel m = new SyntheticModel(s.embedding(), s.layers(), s.heads(), s.kvHeads(), s.headDim(), s.ffn(),
                s.vocab(), Math.min(spec.context(), 8192), QuantMix.of(quantization), 1, arch, s.tiedEmbeddings(),
                Features.NONE);
        if (s.experts().present()) {
            m = m.withExperts(experts(spec));
        }
        if (s.latent().present()) {
            var a = s.latent();
            m = m.withLatent(new Latent(a.qLoraRank(), a.kvLoraRank(), a.nopeDim(), a.ropeDim(), a.valueDim(), true, 1f));
        }
        if (s.window().present()) {
            m = m.withSlidingWindow(s.window().size());
        }
        if (s.nextnLayers() > 0 || spec.qkNorm()) {
            m = m.withGlm(s.nextnLayers(), spec.qkNorm());
        }
        return m;
    }

    private static Experts experts(exo.models.ModelSpec spec) {
        var e = spec.shape().experts();
        if (e.shared() > 0 && e.sharedFfn() != e.shared() * e.ffn()) {
            throw new InvalidInputException("synthetic", spec.id() + ": shared experts " + e.sharedFfn()
                    + " wide in all are not " + e.shared() + " of the routed experts' width " + e.ffn()
                    + "; synthetic files write shared experts as wide as the routed ones");
        }
        Experts x = Experts.routed(e.count(), e.used(), e.ffn()).withShared(e.shared()).withDenseLead(e.denseLead());
        boolean sigmoid = spec.architecture() == exo.models.Architecture.DEEPSEEK2
                || spec.architecture() == exo.models.Architecture.GLM4MOE;
        return sigmoid ? x.sigmoid(1f) : x;
    }

    /** The type of most matrices (the mix's base). */
    public GgmlType type() {
        return mix.base();
    }

    public SyntheticModel {
        if (features == null) {
            throw new IllegalArgumentException("features must be given (Features.NONE for a dense model)");
        }
        if (heads % kvHeads != 0 || vocab < 260 || headDim < 2 || headDim % 2 != 0) {
            throw new IllegalArgumentException("inconsistent synthetic shape");
        }
        if (mix.base().isQuantized() && (dim % 32 != 0 || ffn % 32 != 0)) {
            throw new IllegalArgumentException("dim and ffn must be multiples of 32 for quantized types");
        }
        if (!ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException("no synthetic " + architecture + " models");
        }
    }

    /**
     * Whether the architecture and the features fit together (checked when the file is made, so
     * that the withers can be chained in any order).
     */
    private void checkFeatures() {
        boolean moe = Set.of("qwen2moe", "qwen3moe", "deepseek2", "glm4moe").contains(architecture);
        if (moe && features.experts() == null || !moe && !architecture.equals("llama") && features.experts() != null) {
            throw new IllegalArgumentException(architecture + (moe ? " needs" : " has no") + " experts");
        }
        if (architecture.equals("deepseek2") != (features.latent() != null)) {
            throw new IllegalArgumentException("latent attention is deepseek2's, and deepseek2 needs it");
        }
        if (architecture.equals("gemma3") != (features.slidingWindow() > 0)
                || architecture.equals("gemma3") && !tiedEmbeddings) {
            throw new IllegalArgumentException("a sliding window is gemma3's; gemma3 needs one, and a tied output");
        }
        if (architecture.equals("qwen2moe") && features.experts().shared() != 1) {
            throw new IllegalArgumentException("qwen2moe has exactly one shared expert");
        }
    }

    public void write(Path path) throws IOException {
        writer().write(path);
    }

    /**
     * The file as a writer whose tensors are generated only when it writes: its tensor list and
     * {@link GgufWriter#fileSize()} cost nothing.
     */
    public GgufWriter writer() {
        checkFeatures();
        String a = architecture;
        Experts e = features.experts();
        int blocks = layers + features.nextnLayers();
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", a)
                .putString("general.name", "synthetic-" + a + "-" + dim + "x" + layers + "-" + mix.name())
                .putUInt32("general.file_type", mix.fileType())
                .putUInt32(a + ".context_length", context)
                .putUInt32(a + ".embedding_length", dim)
                .putUInt32(a + ".block_count", blocks)
                .putUInt32(a + ".feed_forward_length", a.equals("llama") && e != null ? e.ffn() : ffn)
                .putUInt32(a + ".attention.head_count", heads)
                .putUInt32(a + ".attention.head_count_kv", kvHeads)
                .putFloat32(a + ".attention.layer_norm_rms_epsilon", 1e-5f)
                .putFloat32(a + ".rope.freq_base", a.equals("gemma3") ? 1e6f : 10000f)
                .putUInt32(a + ".vocab_size", vocab);
        if (features.latent() == null) {
            w.putUInt32(a + ".rope.dimension_count", a.equals("glm4moe") ? headDim / 2 : headDim);
            if (headDim != dim / heads || a.equals("gemma3") || a.equals("glm4moe")) {
                w.putUInt32(a + ".attention.key_length", headDim).putUInt32(a + ".attention.value_length", headDim);
            }
        }
        if (e != null) {
            expertKeys(w, e);
        }
        if (features.latent() != null) {
            latentKeys(w, features.latent());
        }
        if (a.equals("gemma3")) {
            // Gemma 3's global layers scale their rope linearly; the local ones run at base 10000 unscaled.
            w.putUInt32(a + ".attention.sliding_window", features.slidingWindow())
                    .putString(a + ".rope.scaling.type", "linear").putFloat32(a + ".rope.scaling.factor", 8f);
        }
        if (features.nextnLayers() > 0) {
            w.putUInt32(a + ".nextn_predict_layers", features.nextnLayers());
        }
        addVocabulary(w);
        Tensors t = new Tensors(w);
        t.matrix("token_embd.weight", vocab, dim, 1f);
        for (int l = 0; l < blocks; l++) {
            String p = "blk." + l + ".";
            w.addF32(p + "attn_norm.weight", new long[] {dim}, t.norm(dim));
            if (features.latent() != null) {
                latentAttention(t, p, features.latent());
            } else {
                attention(t, p);
            }
            if (a.equals("gemma3")) {
                w.addF32(p + "post_attention_norm.weight", new long[] {dim}, t.norm(dim));
            }
            w.addF32(p + (a.equals("glm4moe") ? "post_attention_norm.weight" : "ffn_norm.weight"), new long[] {dim},
                    t.norm(dim));
            if (e != null && l >= e.denseLead()) {
                experts(t, p, e);
            } else {
                dense(t, p, "", ffn);
            }
            if (a.equals("gemma3")) {
                w.addF32(p + "post_ffw_norm.weight", new long[] {dim}, t.norm(dim));
            }
            if (l >= layers) {
                // GLM's prediction block: a full layer plus its own projection and norms (never computed).
                t.matrix(p + "nextn.eh_proj.weight", dim, 2 * dim, fanIn(2 * dim));
                w.addF32(p + "nextn.enorm.weight", new long[] {dim}, t.norm(dim));
                w.addF32(p + "nextn.hnorm.weight", new long[] {dim}, t.norm(dim));
            }
        }
        w.addF32("output_norm.weight", new long[] {dim}, t.norm(dim));
        if (!tiedEmbeddings) {
            // A wider head than 1/sqrt(dim) separates the top logits, as a trained model's do.
            t.matrix("output.weight", vocab, dim, 4 * fanIn(dim));
        }
        return w;
    }

    private void expertKeys(GgufWriter w, Experts e) {
        String a = architecture;
        w.putUInt32(a + ".expert_count", e.count()).putUInt32(a + ".expert_used_count", e.used());
        if (!a.equals("llama")) {
            w.putUInt32(a + ".expert_feed_forward_length", e.ffn());
        }
        if (a.equals("qwen2moe")) {
            w.putUInt32(a + ".expert_shared_feed_forward_length", e.shared() * e.ffn());
        }
        if (a.equals("deepseek2") || a.equals("glm4moe")) {
            w.putUInt32(a + ".expert_shared_count", e.shared())
                    .putUInt32(a + ".leading_dense_block_count", e.denseLead())
                    .putFloat32(a + ".expert_weights_scale", e.scale())
                    .putBool(a + ".expert_weights_norm", e.normalize())
                    .putUInt32(a + ".expert_gating_func", e.gating().ggufValue());
        }
        if (e.groups() > 0) {
            w.putUInt32(a + ".expert_group_count", e.groups()).putUInt32(a + ".expert_group_used_count", e.groupsUsed());
        }
    }

    private void latentKeys(GgufWriter w, Latent l) {
        String a = architecture;
        if (l.qRank() > 0) {
            w.putUInt32(a + ".attention.q_lora_rank", l.qRank());
        }
        w.putUInt32(a + ".attention.kv_lora_rank", l.kvRank()).putUInt32(a + ".rope.dimension_count", l.ropeDim())
                .putFloat32(a + ".rope.scaling.yarn_log_multiplier", 0.1f);
        if (l.split()) {
            // The absorbed layout: one "KV head" holding the latent and the roped key.
            w.putUInt32(a + ".attention.head_count_kv", 1)
                    .putUInt32(a + ".attention.key_length", l.kvRank() + l.ropeDim())
                    .putUInt32(a + ".attention.value_length", l.kvRank())
                    .putUInt32(a + ".attention.key_length_mla", l.nopeDim() + l.ropeDim())
                    .putUInt32(a + ".attention.value_length_mla", l.valueDim());
        } else {
            w.putUInt32(a + ".attention.key_length", l.nopeDim() + l.ropeDim())
                    .putUInt32(a + ".attention.value_length", l.valueDim());
        }
        if (l.yarnFactor() > 1) {
            w.putString(a + ".rope.scaling.type", "yarn").putFloat32(a + ".rope.scaling.factor", l.yarnFactor())
                    .putUInt32(a + ".rope.scaling.original_context_length", Math.max(1, (int) (context / l.yarnFactor())));
        }
    }

    private void attention(Tensors t, String p) {
        int qDim = heads * headDim;
        int kvDim = kvHeads * headDim;
        GgufWriter w = t.w;
        t.matrix(p + "attn_q.weight", qDim, dim, fanIn(dim));
        t.matrix(p + "attn_k.weight", kvDim, dim, fanIn(dim));
        t.matrix(p + "attn_v.weight", kvDim, dim, fanIn(dim));
        if (Set.of("qwen2", "qwen2moe", "glm4moe").contains(architecture)) {
            w.addF32(p + "attn_q.bias", new long[] {qDim}, t.uniform(qDim, 0f, 0.5f));
            w.addF32(p + "attn_k.bias", new long[] {kvDim}, t.uniform(kvDim, 0f, 0.5f));
            w.addF32(p + "attn_v.bias", new long[] {kvDim}, t.uniform(kvDim, 0f, 0.5f));
        }
        if (Set.of("qwen3", "qwen3moe", "gemma3").contains(architecture) || features.qkNorm()) {
            w.addF32(p + "attn_q_norm.weight", new long[] {headDim}, t.uniform(headDim, 1f, 0.5f));
            w.addF32(p + "attn_k_norm.weight", new long[] {headDim}, t.uniform(headDim, 1f, 0.5f));
        }
        t.matrix(p + "attn_output.weight", dim, qDim, fanIn(qDim));
    }

    private void latentAttention(Tensors t, String p, Latent l) {
        int q = heads * (l.nopeDim() + l.ropeDim());
        GgufWriter w = t.w;
        if (l.qRank() > 0) {
            t.matrix(p + "attn_q_a.weight", l.qRank(), dim, fanIn(dim));
            w.addF32(p + "attn_q_a_norm.weight", new long[] {l.qRank()}, t.norm(l.qRank()));
            t.matrix(p + "attn_q_b.weight", q, l.qRank(), fanIn(l.qRank()));
        } else {
            t.matrix(p + "attn_q.weight", q, dim, fanIn(dim));
        }
        t.matrix(p + "attn_kv_a_mqa.weight", l.kvRank() + l.ropeDim(), dim, fanIn(dim));
        w.addF32(p + "attn_kv_a_norm.weight", new long[] {l.kvRank()}, t.norm(l.kvRank()));
        int perHead = l.nopeDim() + l.valueDim();
        long salt = t.next();
        if (!l.split()) {
            t.encoded(p + "attn_kv_b.weight", new long[] {l.kvRank(), (long) heads * perHead},
                    () -> t.randomValues(heads * perHead, l.kvRank(), fanIn(l.kvRank()), salt));
        } else {
            // The converter's split of kv_b: k_b[p, c, h] = kv_b[c, h*(nope+v) + p], v_b[c, j, h] = kv_b[c, h*(nope+v) + nope + j].
            t.encoded(p + "attn_k_b.weight", new long[] {l.nopeDim(), l.kvRank(), heads}, () -> {
                float[] kvb = t.randomValues(heads * perHead, l.kvRank(), fanIn(l.kvRank()), salt);
                float[] kb = new float[heads * l.kvRank() * l.nopeDim()];
                for (int h = 0; h < heads; h++) {
                    for (int c = 0; c < l.kvRank(); c++) {
                        for (int n = 0; n < l.nopeDim(); n++) {
                            kb[(h * l.kvRank() + c) * l.nopeDim() + n] = kvb[(h * perHead + n) * l.kvRank() + c];
                        }
                    }
                }
                return kb;
            });
            t.encoded(p + "attn_v_b.weight", new long[] {l.kvRank(), l.valueDim(), heads}, () -> {
                float[] kvb = t.randomValues(heads * perHead, l.kvRank(), fanIn(l.kvRank()), salt);
                float[] vb = new float[heads * l.valueDim() * l.kvRank()];
                for (int h = 0; h < heads; h++) {
                    System.arraycopy(kvb, (h * perHead + l.nopeDim()) * l.kvRank(), vb, h * l.valueDim() * l.kvRank(),
                            l.valueDim() * l.kvRank());
                }
                return vb;
            });
        }
        t.matrix(p + "attn_output.weight", dim, heads * l.valueDim(), fanIn(heads * l.valueDim()));
    }

    private void dense(Tensors t, String p, String suffix, int width) {
        t.matrix(p + "ffn_gate" + suffix + ".weight", width, dim, fanIn(dim));
        t.matrix(p + "ffn_up" + suffix + ".weight", width, dim, fanIn(dim));
        t.matrix(p + "ffn_down" + suffix + ".weight", dim, width, fanIn(width));
    }

    private void experts(Tensors t, String p, Experts e) {
        GgufWriter w = t.w;
        // The router is F32 in every converted file; a wide one makes the choice of experts clear-cut.
        w.addTensor(p + "ffn_gate_inp.weight", GgmlType.F32, new long[] {dim, e.count()},
                t.bytes(GgmlType.F32, e.count(), dim, 4 * fanIn(dim)));
        if (e.selectionBias() || architecture.equals("glm4moe")) {
            w.addF32(p + "exp_probs_b.bias", new long[] {e.count()}, t.uniform(e.count(), 0f, 0.05f));
        }
        t.stack(p + "ffn_gate_exps.weight", e.ffn(), dim, e.count(), fanIn(dim));
        t.stack(p + "ffn_up_exps.weight", e.ffn(), dim, e.count(), fanIn(dim));
        t.stack(p + "ffn_down_exps.weight", dim, e.ffn(), e.count(), fanIn(e.ffn()));
        if (e.shared() > 0) {
            dense(t, p, "_shexp", e.shared() * e.ffn());
        }
        if (architecture.equals("qwen2moe")) {
            w.addF32(p + "ffn_gate_inp_shexp.weight", new long[] {dim}, t.uniform(dim, 0f, fanIn(dim)));
        }
    }

    /** The quantizer's view of this model: its architecture, its file's block count, grouping and experts. */
    private QuantRules.Model quantModel() {
        Experts e = features.experts();
        return new QuantRules.Model(Architecture.fromId(architecture), layers + features.nextnLayers(),
                heads / kvHeads, e == null ? 0 : e.count(), tiedEmbeddings);
    }

    private static float fanIn(int n) {
        return (float) (1 / Math.sqrt(n));
    }

    /** Adds tensors to a writer, each with its own seed (salt) so every tensor's values are reproducible. */
    private final class Tensors {
        final GgufWriter w;
        private long salt;

        Tensors(GgufWriter w) {
            this.w = w;
        }

        long next() {
            return salt++;
        }

        /** A rows x cols matrix of the type the mix gives it. */
        void matrix(String name, int rows, int cols, float scale) {
            GgmlType type = mix.typeOf(name, cols, quantModel());
            w.addTensor(name, type, new long[] {cols, rows}, bytes(type, rows, cols, scale));
        }

        /** {@code count} matrices of rows x cols (GGUF dims {cols, rows, count}) of the type the mix gives them. */
        void stack(String name, int rows, int cols, int count, float scale) {
            GgmlType type = mix.typeOf(name, cols, quantModel());
            w.addTensor(name, type, new long[] {cols, rows, count}, bytes(type, rows * count, cols, scale));
        }

        /** A tensor of the type the mix gives it, from values computed when it is written. */
        void encoded(String name, long[] dims, java.util.function.Supplier<float[]> values) {
            GgmlType type = mix.typeOf(name, (int) dims[0], quantModel());
            int cols = (int) dims[0];
            w.addTensor(name, type, dims, () -> encode(type, values.get(), cols));
        }

        /** Random bytes of rows x cols, generated row by row when written. */
        GgufWriter.TensorBytes bytes(GgmlType type, int rows, int cols, float scale) {
            long s = next();
            return () -> encodeRows(type, rows, cols, scale, s);
        }

        /** The values {@link #bytes} would generate for salt {@code s}, as F32. */
        float[] randomValues(int rows, int cols, float scale, long s) {
            SplittableRandom rnd = random(s);
            float[] out = new float[rows * cols];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
            }
            return out;
        }

        /** n values uniform in center +- spread: biases around 0, norm weights around 1. */
        float[] uniform(int n, float center, float spread) {
            SplittableRandom rnd = random(next());
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) (center + (rnd.nextDouble() * 2 - 1) * spread);
            }
            return a;
        }

        /** Norm weights near 1 (so that a missed norm shows). */
        float[] norm(int n) {
            return uniform(n, 1f, 0.25f);
        }
    }

    private SplittableRandom random(long salt) {
        return new SplittableRandom(seed * 1_000_003L + salt);
    }

    /** Values generated, then encoded in parallel, per chunk of rows: about 4 MiB of floats. */
    private static final int CHUNK_VALUES = 1 << 20;

    /**
     * rows x cols values uniform in +-scale, generated and encoded a chunk of rows at a time (a
     * large model never sits in memory as F32). The values come from one random stream in row
     * order, as a file's bytes must not depend on the machine; the encoding, llama.cpp's
     * quantizer for the K-quants and most of the time a large file takes to write, runs on
     * every core.
     */
    private MemorySegment encodeRows(GgmlType type, int rows, int cols, float scale, long salt) {
        SplittableRandom rnd = random(salt);
        long rowBytes = type.byteSize(cols);
        MemorySegment out = MemorySegment.ofArray(new byte[Math.toIntExact(rowBytes * rows)]);
        int chunk = Math.max(1, Math.min(rows, CHUNK_VALUES / cols));
        float[][] values = new float[chunk][cols];
        for (int first = 0; first < rows; first += chunk) {
            int n = Math.min(chunk, rows - first);
            for (int r = 0; r < n; r++) {
                float[] row = values[r];
                for (int c = 0; c < cols; c++) {
                    row[c] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
                }
            }
            int base = first;
            IntStream rowsOfChunk = IntStream.range(0, n);
            (n > 1 ? rowsOfChunk.parallel() : rowsOfChunk)
                    .forEach(r -> encodeRow(type, values[r], out, (base + r) * rowBytes));
        }
        return out;
    }

    private static MemorySegment encode(GgmlType type, float[] values, int cols) {
        int rows = values.length / cols;
        long rowBytes = type.byteSize(cols);
        MemorySegment out = MemorySegment.ofArray(new byte[Math.toIntExact(rowBytes * rows)]);
        for (int r = 0; r < rows; r++) {
            encodeRow(type, java.util.Arrays.copyOfRange(values, r * cols, (r + 1) * cols), out, r * rowBytes);
        }
        return out;
    }

    /** Types exo encodes itself, bit for bit as llama.cpp does; the others go through llama.cpp's quantizer. */
    private static final Set<GgmlType> JAVA_ENCODED =
            java.util.EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0);

    private static void encodeRow(GgmlType type, float[] row, MemorySegment out, long offset) {
        switch (type) {
            case F32 -> MemorySegment.copy(row, 0, out,
                    java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), offset,
                    row.length);
            case F16 -> Quantizer.toF16(row, 0, row.length, out, offset);
            case BF16 -> Quantizer.toBF16(row, 0, row.length, out, offset);
            case Q8_0 -> Quantizer.toQ8_0(row, 0, row.length, out, offset);
            case Q4_0 -> Quantizer.toQ4_0(row, 0, row.length, out, offset);
            default -> MemorySegment.copy(MemorySegment.ofArray(GgmlQuants.bundled().quantize(type, row, 1, row.length)),
                    0, out, offset, type.byteSize(row.length));
        }
    }

    private void addVocabulary(GgufWriter w) {
        putVocabulary(w, vocab, java.util.List.of());
    }

    /**
     * The synthetic SentencePiece vocabulary of {@code vocab} tokens: unk, bos, eos, the 256 byte
     * tokens, then {@code controls} as control tokens (ids from 259, for a model that needs a
     * family's markers), then filler pieces.
     */
    public static void putVocabulary(GgufWriter w, int vocab, java.util.List<String> controls) {
        String[] tokens = new String[vocab];
        float[] scores = new float[vocab];
        int[] types = new int[vocab];
        tokens[0] = "<unk>";
        types[0] = 2;
        tokens[1] = "<s>";
        types[1] = 3;
        tokens[2] = "</s>";
        types[2] = 3;
        for (int b = 0; b < 256; b++) {
            tokens[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = 6;
        }
        for (int i = 0; i < controls.size(); i++) {
            tokens[259 + i] = controls.get(i);
            types[259 + i] = 3;
        }
        for (int i = 259 + controls.size(); i < vocab; i++) {
            tokens[i] = "\u2581t" + i;
            scores[i] = -i;
            types[i] = 1;
        }
        w.putString("tokenizer.ggml.model", "llama")
                .putArray("tokenizer.ggml.tokens", GgufArray.ofStrings(tokens))
                .putArray("tokenizer.ggml.scores", GgufArray.ofFloats(scores))
                .putArray("tokenizer.ggml.token_type", new GgufArray(GgufValueType.INT32, types))
                .putUInt32("tokenizer.ggml.bos_token_id", 1)
                .putUInt32("tokenizer.ggml.eos_token_id", 2)
                .putUInt32("tokenizer.ggml.unknown_token_id", 0);
    }
}
