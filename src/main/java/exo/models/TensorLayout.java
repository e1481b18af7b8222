package exo.models;

import exo.topology.ModelShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Every tensor a GGUF file of an architecture holds, named and shaped as llama.cpp's converter
 * writes them (shapes in ggml order, innermost first), from a model's shape alone: what a plan
 * and the size model use when no file is at hand. Per architecture (see the GGUF layouts in
 * llama.cpp's src/llama-model.cpp):
 * <ul>
 * <li>llama, mistral: attention q/k/v/o, gated feed-forward, or with experts (Mixtral) a router
 * and {@code ffn_*_exps} [in, out, experts] tensors;</li>
 * <li>qwen2 and qwen2moe add q/k/v biases, qwen3 and qwen3moe per-head q/k norms, qwen2moe a
 * gated shared expert;</li>
 * <li>deepseek2: latent attention in the layout of files converted since mid-2025
 * ({@code attn_k_b}, {@code attn_v_b}), dense leading layers, shared experts, the
 * {@code exp_probs_b} selection bias;</li>
 * <li>glm4moe: q/k/v biases, q/k norms when the model has them, {@code post_attention_norm}
 * before the feed-forward, and after the last layer the next-token-prediction blocks
 * (a full MoE layer plus {@code nextn.*}), which the files carry and no ring runs;</li>
 * <li>gemma3: q/k norms, norms after attention and feed-forward, an output head tied to the
 * embedding.</li>
 * </ul>
 */
public final class TensorLayout {
    private TensorLayout() {
    }

    /** A tensor's name and shape (ggml order). */
    public record Tensor(String name, long[] dims) {
        public Tensor {
            Objects.requireNonNull(name, "name");
            dims = dims.clone();
        }

        @Override
        public long[] dims() {
            return dims.clone();
        }

        public long dim(int i) {
            return i < dims.length ? dims[i] : 1;
        }

        public int rank() {
            return dims.length;
        }

        public long elements() {
            long n = 1;
            for (long d : dims) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tensor t && name.equals(t.name) && Arrays.equals(dims, t.dims);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(dims);
        }

        @Override
        public String toString() {
            return name + Arrays.toString(dims);
        }
    }

    /** The tensors of {@code spec}'s files. */
    public static List<Tensor> of(ModelSpec spec) {
        return of(spec.architecture(), spec.shape(), spec.qkNorm());
    }

    /**
     * The tensors of a file of {@code arch} shaped as {@code s}; {@code qkNorm} says whether a
     * glm4moe model has per-head q/k norms (the other architectures have them or not by kind).
     */
    public static List<Tensor> of(Architecture arch, ModelShape s, boolean qkNorm) {
        long d = s.embedding();
        List<Tensor> out = new ArrayList<>();
        out.add(new Tensor("token_embd.weight", new long[] {d, s.vocab()}));
        out.add(new Tensor("output_norm.weight", new long[] {d}));
        if (!s.tiedEmbeddings()) {
            out.add(new Tensor("output.weight", new long[] {d, s.vocab()}));
        }
        for (int l = 0; l < s.layers() + s.nextnLayers(); l++) {
            Block b = new Block(out, "blk." + l + ".");
            b.add("attn_norm.weight", d);
            if (arch == Architecture.DEEPSEEK2) {
                latentAttention(b, s);
            } else {
                attention(b, arch, s, qkNorm);
            }
            switch (arch) {
                case GEMMA3 -> {
                    b.add("post_attention_norm.weight", d);
                    b.add("ffn_norm.weight", d);
                    b.add("post_ffw_norm.weight", d);
                }
                case GLM4MOE -> b.add("post_attention_norm.weight", d);
                default -> b.add("ffn_norm.weight", d);
            }
            feedForward(b, arch, s, l);
            if (l >= s.layers()) {
                b.add("nextn.eh_proj.weight", 2 * d, d);
                b.add("nextn.enorm.weight", d);
                b.add("nextn.hnorm.weight", d);
                b.add("nextn.shared_head_norm.weight", d);
            }
        }
        return out;
    }

    private static void attention(Block b, Architecture arch, ModelShape s, boolean qkNorm) {
        long d = s.embedding();
        long q = (long) s.heads() * s.headDim();
        long kv = (long) s.kvHeads() * s.headDim();
        b.add("attn_q.weight", d, q);
        b.add("attn_k.weight", d, kv);
        b.add("attn_v.weight", d, kv);
        b.add("attn_output.weight", q, d);
        if (arch == Architecture.QWEN2 || arch == Architecture.QWEN2MOE || arch == Architecture.GLM4MOE) {
            b.add("attn_q.bias", q);
            b.add("attn_k.bias", kv);
            b.add("attn_v.bias", kv);
        }
        if (arch == Architecture.QWEN3 || arch == Architecture.QWEN3MOE || arch == Architecture.GEMMA3
                || arch == Architecture.GLM4MOE && qkNorm) {
            b.add("attn_q_norm.weight", s.headDim());
            b.add("attn_k_norm.weight", s.headDim());
        }
    }

    private static void latentAttention(Block b, ModelShape s) {
        ModelShape.LatentAttention a = s.latent();
        long d = s.embedding();
        long h = s.heads();
        long qk = a.nopeDim() + a.ropeDim();
        if (a.qLoraRank() > 0) {
            b.add("attn_q_a.weight", d, a.qLoraRank());
            b.add("attn_q_a_norm.weight", a.qLoraRank());
            b.add("attn_q_b.weight", a.qLoraRank(), h * qk);
        } else {
            b.add("attn_q.weight", d, h * qk);
        }
        b.add("attn_kv_a_mqa.weight", d, a.kvLoraRank() + a.ropeDim());
        b.add("attn_kv_a_norm.weight", a.kvLoraRank());
        b.add("attn_k_b.weight", a.nopeDim(), a.kvLoraRank(), h);
        b.add("attn_v_b.weight", a.kvLoraRank(), a.valueDim(), h);
        b.add("attn_output.weight", h * a.valueDim(), d);
    }

    private static void feedForward(Block b, Architecture arch, ModelShape s, int layer) {
        long d = s.embedding();
        ModelShape.Experts e = s.experts();
        if (!s.isMoeLayer(layer)) {
            b.add("ffn_gate.weight", d, s.ffn());
            b.add("ffn_up.weight", d, s.ffn());
            b.add("ffn_down.weight", s.ffn(), d);
            return;
        }
        b.add("ffn_gate_inp.weight", d, e.count());
        b.add("ffn_gate_exps.weight", d, e.ffn(), e.count());
        b.add("ffn_up_exps.weight", d, e.ffn(), e.count());
        b.add("ffn_down_exps.weight", e.ffn(), d, e.count());
        if (arch == Architecture.DEEPSEEK2 || arch == Architecture.GLM4MOE) {
            b.add("exp_probs_b.bias", e.count());
        }
        if (e.shared() > 0) {
            if (arch == Architecture.QWEN2MOE) {
                b.add("ffn_gate_inp_shexp.weight", d);
            }
            b.add("ffn_gate_shexp.weight", d, e.sharedFfn());
            b.add("ffn_up_shexp.weight", d, e.sharedFfn());
            b.add("ffn_down_shexp.weight", e.sharedFfn(), d);
        }
    }

    /** Adds one block's tensors under its "blk.N." prefix. */
    private record Block(List<Tensor> out, String prefix) {
        void add(String name, long... dims) {
            out.add(new Tensor(prefix + name, dims));
        }
    }


    /** Whether a tensor holds every routed expert of its layer ({@code ffn_gate_exps} and the like). */
    public static boolean isRoutedExperts(String name) {
        return name.endsWith("_exps.weight") || name.endsWith("_exps.bias");
    }
}
