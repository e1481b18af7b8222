package exo.models;

import exo.gguf.GgmlType;
import exo.gguf.GgufHeader;
import exo.gguf.GgufTensorInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The tensor types llama.cpp's quantizer gives each tensor of a file ({@code
 * llama_tensor_get_type} in b4916's src/llama-quant.cpp), for the quantizations the registry
 * publishes: Q4_K_M, Q8_0, and the unquantized F16, BF16 and F32.
 * <ul>
 * <li>Only matrices (2-D and 3-D tensors named *weight) are quantized; norms, biases, the
 * expert router {@code ffn_gate_inp} and the selection bias stay F32.</li>
 * <li>Q4_K_M: Q4_K by default; the output head (or the token embedding when the head is tied
 * to it) Q6_K; attn_v and every ffn_down (routed, shared or dense) Q6_K on use_more_bits layers,
 * where an expert model's layer is the block number and a dense model's a running count;
 * attn_v Q5_K on 80-layer llama/qwen2 ("70B"); with exactly 8 experts (Mixtral) attn_k and
 * attn_v Q8_0 and attn_output Q5_K.</li>
 * <li>Rows that are not whole blocks fall back: Q4_K to Q5_0, Q5_K to Q5_1, Q6_K to Q8_0 (an
 * output head to Q8_0 at once), then F16.</li>
 * </ul>
 * Tensors are visited as llama.cpp does, non-block tensors first, then by block and name, so
 * the attn_v counter follows the layers. Unsloth's "Dynamic" and other per-tensor recipes do
 * not follow these rules.
 */
public final class QuantRules {
    /** llama.cpp's default {@code general.alignment}: every tensor's data starts on it. */
    public static final int ALIGNMENT = GgufHeader.DEFAULT_ALIGNMENT;

    private final String quant;
    private final GgmlType base;

    private QuantRules(String quant, GgmlType base) {
        this.quant = quant;
        this.base = base;
    }

    /** The rules of a quantization name; the registry's error for one they do not cover. */
    public static QuantRules of(String quant) {
        String q = quant.toUpperCase(Locale.ROOT);
        GgmlType base = switch (q) {
            case "Q4_K_M" -> GgmlType.Q4_K;
            case "Q8_0" -> GgmlType.Q8_0;
            case "F16" -> GgmlType.F16;
            case "BF16" -> GgmlType.BF16;
            case "F32" -> GgmlType.F32;
            default -> throw new IllegalArgumentException("no size model for quantization " + quant
                    + " (known: Q4_K_M, Q8_0, F16, BF16, F32)");
        };
        return new QuantRules(q, base);
    }

    /**
     * The tensors of {@code arch} laid out as a file of this quantization holds them: each with
     * its type and its offset in the data section (in llama.cpp's visiting order).
     *
     * @throws IllegalArgumentException where llama.cpp could not write such a file (rows that no
     *                                  type of this quantization fits)
     */
    public List<GgufTensorInfo> apply(Architecture arch, exo.topology.ModelShape shape,
                                      List<TensorLayout.Tensor> tensors) {
        List<TensorLayout.Tensor> ordered = new ArrayList<>(tensors);
        ordered.sort(Comparator.comparingInt((TensorLayout.Tensor t) -> GgufTensorInfo.blockOf(t.name()))
                .thenComparing(TensorLayout.Tensor::name));
        State st = new State(arch, shape, ordered);
        List<GgufTensorInfo> out = new ArrayList<>(ordered.size());
        long offset = 0;
        for (TensorLayout.Tensor t : ordered) {
            GgmlType type = typeOf(t, st);
            GgufTensorInfo info = new GgufTensorInfo(t.name(), t.dims(), type, offset);
            out.add(info);
            offset = GgufHeader.alignUp(offset + info.byteSize(), ALIGNMENT);
        }
        return out;
    }

    /** Counters and facts llama.cpp's quantize_state_impl keeps. */
    private static final class State {
        final int experts;
        final int blocks;
        final boolean hasOutput;
        final boolean seventyB;
        final int attentionWv;
        int iAttentionWv;
        int iFfnDown;

        State(Architecture arch, exo.topology.ModelShape shape, List<TensorLayout.Tensor> tensors) {
            experts = Math.max(1, shape.experts().count());
            blocks = shape.layers() + shape.nextnLayers();
            hasOutput = tensors.stream().anyMatch(t -> t.name().equals("output.weight"));
            seventyB = blocks == 80 && (arch == Architecture.LLAMA || arch == Architecture.MISTRAL
                    || arch == Architecture.QWEN2) && shape.heads() != shape.kvHeads();
            attentionWv = (int) tensors.stream().map(TensorLayout.Tensor::name)
                    .filter(n -> n.contains("attn_v.weight") || n.contains("attn_qkv.weight")
                            || n.contains("attn_kv_b.weight")).count();
        }
    }

    private GgmlType typeOf(TensorLayout.Tensor t, State st) {
        String name = t.name();
        boolean quantize = name.endsWith("weight") && t.rank() >= 2 && !name.contains("_norm.weight")
                && !name.contains("ffn_gate_inp.weight");
        if (!quantize) {
            return GgmlType.F32; // as converted: llama.cpp's converters write norms, biases and routers in F32
        }
        if (!base.isQuantized()) {
            return base;
        }
        if (name.equals("output.weight") || !st.hasOutput && name.equals("token_embd.weight")) {
            if (t.dim(0) % base.blockSize() != 0) {
                return GgmlType.Q8_0;
            }
            return base == GgmlType.Q8_0 ? GgmlType.Q8_0 : fallback(GgmlType.Q6_K, t);
        }
        GgmlType type = base;
        boolean q4km = quant.equals("Q4_K_M");
        if (name.equals("token_embd.weight")) {
            type = base;
        } else if (name.contains("attn_v.weight")) {
            if (q4km && useMoreBits(st.iAttentionWv, st.attentionWv)) {
                type = GgmlType.Q6_K;
            }
            if (st.seventyB && (type == GgmlType.Q3_K || type == GgmlType.Q4_K)) {
                type = GgmlType.Q5_K;
            }
            if (st.experts == 8) {
                type = GgmlType.Q8_0;
            }
            st.iAttentionWv++;
        } else if (name.contains("attn_k.weight")) {
            if (st.experts == 8) {
                type = GgmlType.Q8_0;
            }
        } else if (name.contains("ffn_down")) {
            int layer = st.experts > 1 ? GgufTensorInfo.blockOf(name) : st.iFfnDown;
            if (q4km && useMoreBits(layer, st.blocks)) {
                type = GgmlType.Q6_K;
            }
            st.iFfnDown++;
        } else if (name.contains("attn_output.weight")) {
            if (st.experts == 8 && q4km) {
                type = GgmlType.Q5_K;
            }
        }
        return fallback(type, t);
    }

    /** A type whose blocks do not fit the rows becomes llama.cpp's fallback for it, then F16. */
    private static GgmlType fallback(GgmlType type, TensorLayout.Tensor t) {
        if (t.dim(0) % type.blockSize() == 0) {
            return type;
        }
        GgmlType next = switch (type) {
            case Q2_K, Q3_K, IQ4_XS -> GgmlType.IQ4_NL;
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            // llama.cpp refuses such a file ("Unsupported tensor size encountered"): there is nothing to size
            default -> throw new IllegalArgumentException(t.name() + ": llama.cpp cannot quantize rows of " + t.dim(0)
                    + " to " + type);
        };
        return t.dim(0) % next.blockSize() == 0 ? next : GgmlType.F16;
    }

    /** llama.cpp's use_more_bits: the first and last eighth of the layers, and every third between. */
    static boolean useMoreBits(int i, int n) {
        return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
    }
}
