package exo.engine.model;

/**
 * One transformer block's tensors, whatever the architecture: an attention (grouped-query or
 * latent) and a feed-forward (dense or mixture of experts), each behind its norms. Null marks a
 * tensor the block does not have (a bias, Gemma's post-norms). Both engines read their blocks
 * through {@link #read}, so they accept and refuse the same files.
 *
 * @param attnPostNorm norm of the attention's output before the residual add (Gemma 3)
 * @param ffnNorm      norm of the feed-forward's input
 * @param ffnPostNorm  norm of the feed-forward's output before the residual add (Gemma 3)
 */
public record LayerTensors<M, V, S>(V attnNorm, Attention<M, V, S> attention, V attnPostNorm, V ffnNorm,
                                    Ffn<M, V, S> ffn, V ffnPostNorm) {

    /** The attention of a block. */
    public sealed interface Attention<M, V, S> permits Gqa, Latent {
        /** The output projection, [dim x heads * value width]. */
        M output();
    }

    /**
     * Grouped-query attention: q [heads*hd x dim], k and v [kvHeads*hd x dim], output [dim x
     * heads*hd]; biases (Qwen2, GLM) and per-head Q/K norms (Qwen3, Gemma 3, GLM 4.5) where the
     * architecture has them.
     */
    public record Gqa<M, V, S>(M q, M k, M v, V qBias, V kBias, V vBias, V outputBias, V qNorm, V kNorm, M output)
            implements Attention<M, V, S> {
    }

    /**
     * DeepSeek's latent attention: queries from {@code qA} (its norm, then {@code qB}) or a plain
     * {@code q} (lite); {@code kvA} gives the latent and the shared roped key; then either
     * {@code kvB} expands the latent into per-head keys and values, or {@code kB} [per head:
     * kvRank x nope] and {@code vB} [per head: valueDim x kvRank] are absorbed into the query and
     * the output. Unused ones are null.
     */
    public record Latent<M, V, S>(M qA, V qANorm, M qB, M q, M kvA, V kvANorm, M kvB, S kB, S vB, M output)
            implements Attention<M, V, S> {
    }

    /** The feed-forward of a block. */
    public sealed interface Ffn<M, V, S> permits Dense, Moe {
    }

    /** down . (act(gate . x) * (up . x)): gate and up [ffn x dim], down [dim x ffn]. */
    public record Dense<M, V, S>(M gate, M up, M down) implements Ffn<M, V, S> {
    }

    /**
     * Routed experts: {@code router} [experts x dim], an optional {@code selectionBias} [experts]
     * added to the scores for choosing only, the experts' stacks (gate and up: experts of [ffn x
     * dim]; down: of [dim x ffn]); an optional {@code shared} expert, gated by
     * sigmoid({@code sharedGate} . x) where there is one (Qwen2 MoE).
     */
    public record Moe<M, V, S>(M router, V selectionBias, S gate, S up, S down, Dense<M, V, S> shared, M sharedGate)
            implements Ffn<M, V, S> {
    }

    /** Block {@code layer}'s tensors from {@code in}, named and shaped as {@code c}'s architecture has them. */
    public static <M, V, S> LayerTensors<M, V, S> read(ModelConfig c, int layer, TensorSource<M, V, S> in) {
        String p = "blk." + layer + ".";
        Attention<M, V, S> attention = c.latent().isPresent() ? latent(c, p, in) : gqa(c, p, in);
        boolean gemma = c.architecture() == Architecture.GEMMA3;
        // GLM names its feed-forward's input norm after the attention (HF's post_attention_layernorm).
        String ffnNorm = c.architecture() == Architecture.GLM4MOE ? "post_attention_norm.weight" : "ffn_norm.weight";
        return new LayerTensors<>(in.vector(p + "attn_norm.weight", c.dim()), attention,
                gemma ? in.vector(p + "post_attention_norm.weight", c.dim()) : null,
                in.vector(p + ffnNorm, c.dim()), ffn(c, layer, p, in),
                gemma ? in.vector(p + "post_ffw_norm.weight", c.dim()) : null);
    }

    private static <M, V, S> Gqa<M, V, S> gqa(ModelConfig c, String p, TensorSource<M, V, S> in) {
        Architecture a = c.architecture();
        boolean biases = a == Architecture.QWEN2 || a == Architecture.QWEN2MOE || a == Architecture.GLM4MOE
                || (a == Architecture.LLAMA || a == Architecture.MISTRAL) && in.has(p + "attn_q.bias");
        boolean norms = a == Architecture.QWEN3 || a == Architecture.QWEN3MOE || a == Architecture.GEMMA3
                || a == Architecture.GLM4MOE && in.has(p + "attn_q_norm.weight");
        boolean outputBias = (a == Architecture.LLAMA || a == Architecture.MISTRAL) && in.has(p + "attn_output.bias");
        return new Gqa<>(in.matrix(p + "attn_q.weight", c.qDim(), c.dim()),
                in.matrix(p + "attn_k.weight", c.kvDim(), c.dim()),
                in.matrix(p + "attn_v.weight", c.kvDim(), c.dim()),
                biases ? in.vector(p + "attn_q.bias", c.qDim()) : null,
                biases ? in.vector(p + "attn_k.bias", c.kvDim()) : null,
                biases ? in.vector(p + "attn_v.bias", c.kvDim()) : null,
                outputBias ? in.vector(p + "attn_output.bias", c.dim()) : null,
                norms ? in.vector(p + "attn_q_norm.weight", c.headDim()) : null,
                norms ? in.vector(p + "attn_k_norm.weight", c.headDim()) : null,
                in.matrix(p + "attn_output.weight", c.dim(), c.qDim()));
    }

    private static <M, V, S> Latent<M, V, S> latent(ModelConfig c, String p, TensorSource<M, V, S> in) {
        LatentConfig l = c.latent().orElseThrow();
        int h = c.heads();
        int q = h * l.keyDim();
        boolean lite = l.lite();
        if (l.split() && !in.has(p + "attn_k_b.weight") || !l.split() && !in.has(p + "attn_kv_b.weight")
                && in.has(p + "attn_k_b.weight")) {
            throw new exo.gguf.GgufFormatException("the file's attention tensors (" + p + (l.split() ? "attn_k_b" : "attn_kv_b")
                    + " missing) do not match its " + c.architecture() + ".attention.key_length_mla keys");
        }
        return new Latent<>(lite ? null : in.matrix(p + "attn_q_a.weight", l.qRank(), c.dim()),
                lite ? null : in.vector(p + "attn_q_a_norm.weight", l.qRank()),
                lite ? null : in.matrix(p + "attn_q_b.weight", q, l.qRank()),
                lite ? in.matrix(p + "attn_q.weight", q, c.dim()) : null,
                in.matrix(p + "attn_kv_a_mqa.weight", l.kvRank() + l.ropeDim(), c.dim()),
                in.vector(p + "attn_kv_a_norm.weight", l.kvRank()),
                l.split() ? null : in.matrix(p + "attn_kv_b.weight", h * (l.nopeDim() + l.valueDim()), l.kvRank()),
                l.split() ? in.stack(p + "attn_k_b.weight", l.kvRank(), l.nopeDim(), h) : null,
                l.split() ? in.stack(p + "attn_v_b.weight", l.valueDim(), l.kvRank(), h) : null,
                in.matrix(p + "attn_output.weight", c.dim(), h * l.valueDim()));
    }

    private static <M, V, S> Ffn<M, V, S> ffn(ModelConfig c, int layer, String p, TensorSource<M, V, S> in) {
        if (!c.isMoeLayer(layer)) {
            if (in.has(p + "ffn_gate_inp.weight")) {
                throw new exo.gguf.GgufFormatException(p + "ffn_gate_inp.weight routes experts, but the file's "
                        + c.architecture() + ".expert_count says the layer is dense");
            }
            return dense(in, p, "", c.ffn(), c.dim());
        }
        ExpertConfig e = c.experts().orElseThrow();
        if (!in.has(p + "ffn_gate_exps.weight") && in.has(p + "ffn_gate.0.weight")) {
            throw new UnsupportedModelException("the file stores each expert as its own tensor (" + p
                    + "ffn_gate.0.weight), a layout of early 2024 that llama.cpp no longer loads; re-convert the model");
        }
        Architecture a = c.architecture();
        boolean bias = a == Architecture.GLM4MOE || a == Architecture.DEEPSEEK2 && in.has(p + "exp_probs_b.bias");
        Dense<M, V, S> shared = e.shared() > 0 ? dense(in, p, "_shexp", e.sharedFfn(), c.dim()) : null;
        return new Moe<>(in.matrix(p + "ffn_gate_inp.weight", e.count(), c.dim()),
                bias ? in.vector(p + "exp_probs_b.bias", e.count()) : null,
                in.stack(p + "ffn_gate_exps.weight", e.ffn(), c.dim(), e.count()),
                in.stack(p + "ffn_up_exps.weight", e.ffn(), c.dim(), e.count()),
                in.stack(p + "ffn_down_exps.weight", c.dim(), e.ffn(), e.count()),
                shared, a == Architecture.QWEN2MOE ? in.matrix(p + "ffn_gate_inp_shexp.weight", 1, c.dim()) : null);
    }

    private static <M, V, S> Dense<M, V, S> dense(TensorSource<M, V, S> in, String p, String suffix, int ffn, int dim) {
        return new Dense<>(in.matrix(p + "ffn_gate" + suffix + ".weight", ffn, dim),
                in.matrix(p + "ffn_up" + suffix + ".weight", ffn, dim),
                in.matrix(p + "ffn_down" + suffix + ".weight", dim, ffn));
    }
}
