package exo.models;

import exo.gguf.GgmlType;
import exo.gguf.GgufHeader;
import exo.gguf.GgufTensorInfo;
import exo.topology.ModelShape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The tensor types llama.cpp's quantizer gives each tensor of a file ({@code
 * llama_tensor_get_type} in b4916's src/llama-quant.cpp), for the k-quant mixes Q2_K, Q3_K_S/M/L,
 * Q4_K_S/M, Q5_K_S/M and Q6_K, the legacy Q4_0 and Q8_0, and the unquantized F16, BF16 and F32.
 * The one copy of these rules: the size model ({@link #apply}) and the synthetic GGUF writer
 * (one tensor at a time, {@link #typeOf}) both ask it.
 * <ul>
 * <li>Only matrices (2-D and 3-D tensors named *weight) are quantized; norms, biases, the
 * expert router {@code ffn_gate_inp} and the selection bias stay F32 ({@link #quantizes}).</li>
 * <li>The output head (or the token embedding when the head is tied to it) Q6_K unless the file
 * is Q8_0; attn_v, ffn_down, attn_output and attn_qkv get more bits by mix and layer; attn_v Q5_K
 * instead of Q3_K/Q4_K on llama.cpp's "70B" models; with exactly 8 experts (Mixtral) attn_k and
 * attn_v Q8_0 and attn_output Q5_K in the mixes of 4 bits and fewer.</li>
 * <li>Rows that are not whole blocks fall back: Q2_K and Q3_K to IQ4_NL, Q4_K to Q5_0, Q5_K to
 * Q5_1, Q6_K to Q8_0 (an output head to Q8_0 at once), then F16; rows no such type fits make a
 * file llama.cpp refuses to write.</li>
 * </ul>
 * The mixes made with an importance matrix, the IQ mixes and the overrides (--output-tensor-type
 * and such) are not covered; neither are Unsloth's "Dynamic" and other per-tensor recipes.
 */
public final class QuantRules {
    /** llama.cpp's default {@code general.alignment}: every tensor's data starts on it. */
    public static final int ALIGNMENT = GgufHeader.DEFAULT_ALIGNMENT;

    /** The quantization names these rules cover, as models.yaml and Hugging Face file names spell them. */
    public static final List<String> NAMES = List.of("Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_0", "Q4_K_S", "Q4_K_M",
            "Q5_K_S", "Q5_K_M", "Q6_K", "Q8_0", "F16", "BF16", "F32");

    private final String name;
    private final GgmlType base;

    private QuantRules(String name, GgmlType base) {
        this.name = name;
        this.base = base;
    }

    /** The rules of a quantization name (any case), if these rules cover it. */
    public static Optional<QuantRules> find(String quant) {
        String q = quant.toUpperCase(Locale.ROOT);
        // llama.cpp's default_type per ftype (llama_model_quantize_impl)
        GgmlType base = switch (q) {
            case "Q2_K" -> GgmlType.Q2_K;
            case "Q3_K_S", "Q3_K_M", "Q3_K_L" -> GgmlType.Q3_K;
            case "Q4_K_S", "Q4_K_M" -> GgmlType.Q4_K;
            case "Q5_K_S", "Q5_K_M" -> GgmlType.Q5_K;
            case "Q6_K" -> GgmlType.Q6_K;
            case "Q4_0" -> GgmlType.Q4_0;
            case "Q8_0" -> GgmlType.Q8_0;
            case "F16" -> GgmlType.F16;
            case "BF16" -> GgmlType.BF16;
            case "F32" -> GgmlType.F32;
            default -> null;
        };
        return Optional.ofNullable(base).map(b -> new QuantRules(q, b));
    }

    /** The rules of a quantization name; the registry's error for one they do not cover. */
    public static QuantRules of(String quant) {
        return find(quant).orElseThrow(() -> new IllegalArgumentException("no size model for quantization " + quant
                + " (known: " + String.join(", ", NAMES) + ")"));
    }

    /** The quantization's name, upper case ("Q4_K_M"). */
    public String name() {
        return name;
    }

    /** The type of every matrix the rules do not single out. */
    public GgmlType base() {
        return base;
    }

    /**
     * What llama.cpp's rules know of a model besides a tensor's name and rows.
     *
     * @param architecture the family (for the "70B" rule, which llama.cpp gives by architecture)
     * @param blocks       the file's block_count: llama.cpp's n_layer, next-token-prediction blocks included
     * @param gqa          query heads per KV head
     * @param experts      routed experts per MoE layer (0 for a dense model); exactly 8 selects Mixtral's rules
     * @param tiedOutput   the file has no output.weight: token_embd doubles as the output head
     */
    public record Model(Architecture architecture, int blocks, int gqa, int experts, boolean tiedOutput) {
        public Model {
            if (architecture == null || blocks < 1 || gqa < 1 || experts < 0) {
                throw new IllegalArgumentException("inconsistent model for the quantizer: " + architecture + ", "
                        + blocks + " blocks, gqa " + gqa + ", " + experts + " experts");
            }
        }

        /** The facts of a model of {@code shape}. */
        public static Model of(Architecture architecture, ModelShape shape, boolean tiedOutput) {
            return new Model(architecture, shape.layers() + shape.nextnLayers(), shape.heads() / shape.kvHeads(),
                    shape.experts().count(), tiedOutput);
        }

        /**
         * llama.cpp's LLM_TYPE_70B (llama-model.cpp, load_hparams): 80 blocks of llama (with grouped
         * KV heads, and not 8 experts: those are 8x7B/8x22B) or qwen2. b4916 has no mistral
         * architecture: those files say llama.
         */
        boolean seventyB() {
            return blocks == 80 && switch (architecture) {
                case LLAMA, MISTRAL -> gqa > 1 && experts != 8;
                case QWEN2 -> true;
                default -> false;
            };
        }

        boolean mixtral() {
            return experts == 8;
        }
    }

    /**
     * Whether llama.cpp's quantizer changes the type of tensor {@code name} of {@code rank}
     * dimensions at all: weights of 2 or 3 dimensions but norms and expert routers (the checks
     * in llama_model_quantize_impl that concern the architectures here).
     */
    public static boolean quantizes(String name, int rank) {
        return name.endsWith("weight") && rank >= 2 && !name.contains("_norm.weight")
                && !name.contains("ffn_gate_inp.weight");
    }

    /**
     * The type of tensor {@code name}, one the quantizer {@link #quantizes}, whose rows are {@code cols}
     * weights long, in a file of these rules of {@code model}.
     *
     * <p>llama.cpp counts attn_v tensors (i_attention_wv of n_attention_wv, where n also counts
     * attn_qkv and attn_kv_b) and, in a dense model, ffn_down tensors (i_ffn_down of n_layer) as
     * it visits them by block. Here the layer is the block number in the name instead, which is
     * exactly the same: in every architecture here each block with attention has one attn_v (or
     * none has, as deepseek2's latent attention), and each dense block one ffn_down matrix, so
     * the counters equal the block index and n_attention_wv the block count. With experts
     * llama.cpp reads ffn_down's block from the name itself.
     *
     * @throws IllegalArgumentException where llama.cpp refuses to write the file ("Unsupported
     *                                  tensor size encountered"): rows that no type fits
     */
    public GgmlType typeOf(String name, long cols, Model model) {
        if (!base.isQuantized()) {
            return base;
        }
        if (name.equals("output.weight") || model.tiedOutput() && name.equals("token_embd.weight")) {
            // llama-quant.cpp:158 straight to Q8_0 when the base type's blocks do not fit; :166 else Q6_K
            GgmlType head = cols % base.blockSize() != 0 ? GgmlType.Q8_0
                    : base == GgmlType.Q8_0 ? GgmlType.Q8_0 : GgmlType.Q6_K;
            return fallback(name, head, cols);
        }
        return fallback(name, ruleFor(name, model), cols);
    }

    /** llama-quant.cpp:212-356, for the mixes named here (no imatrix, no Falcon). */
    private GgmlType ruleFor(String name, Model m) {
        if (name.contains("attn_v.weight")) {
            int layer = layerOf(name, m);
            GgmlType t = switch (this.name) {
                case "Q2_K" -> m.gqa() >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K;
                case "Q3_K_M" -> layer < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
                case "Q3_K_L" -> GgmlType.Q5_K;
                case "Q4_K_M", "Q5_K_M" -> useMoreBits(layer, m.blocks()) ? GgmlType.Q6_K : base;
                case "Q4_K_S" -> layer < 4 ? GgmlType.Q5_K : base;
                default -> base;
            };
            // 70B: eight query heads share each V, so V gets more bits at little cost (:238)
            if (m.seventyB() && (t == GgmlType.Q3_K || t == GgmlType.Q4_K)) {
                t = GgmlType.Q5_K;
            }
            // "for the 8-expert model, bumping this to Q8_0 trades just ~128MB" (:244)
            return m.mixtral() ? GgmlType.Q8_0 : t;
        }
        if (name.contains("attn_k.weight")) {
            return m.mixtral() ? GgmlType.Q8_0 : base;
        }
        if (name.contains("ffn_down")) {
            // every down projection of a block (dense, routed, shared) takes the block's type
            int layer = layerOf(name, m);
            int n = m.blocks();
            return switch (this.name) {
                case "Q2_K" -> GgmlType.Q3_K;
                case "Q3_K_M" -> layer < n / 16 ? GgmlType.Q5_K : GgmlType.Q4_K;
                case "Q3_K_L" -> GgmlType.Q5_K;
                case "Q4_K_M", "Q5_K_M" -> useMoreBits(layer, n) ? GgmlType.Q6_K : base;
                case "Q4_K_S" -> layer < n / 8 ? GgmlType.Q5_K : base;
                default -> base;
            };
        }
        if (name.contains("attn_output.weight")) {
            if (m.mixtral()) {
                return switch (this.name) {
                    case "Q2_K", "Q3_K_S", "Q3_K_M", "Q4_K_S", "Q4_K_M" -> GgmlType.Q5_K;
                    default -> base;
                };
            }
            return switch (this.name) {
                case "Q2_K" -> GgmlType.Q3_K;
                case "Q3_K_M" -> GgmlType.Q4_K;
                case "Q3_K_L" -> GgmlType.Q5_K;
                default -> base;
            };
        }
        if (name.contains("attn_qkv.weight")) {
            return switch (this.name) {
                case "Q3_K_M", "Q3_K_L" -> GgmlType.Q4_K;
                case "Q4_K_M" -> GgmlType.Q5_K;
                case "Q5_K_M" -> GgmlType.Q6_K;
                default -> base;
            };
        }
        return base;
    }

    /** The block of an attn_v or ffn_down tensor; llama.cpp's layer_info refuses one outside [0, n_layer). */
    private static int layerOf(String name, Model m) {
        int block = GgufTensorInfo.blockOf(name);
        if (block < 0 || block >= m.blocks()) {
            throw new IllegalArgumentException("bad layer " + block + " for tensor " + name + ": must be in [0, "
                    + m.blocks() + ")");
        }
        return block;
    }

    /**
     * A type whose blocks do not fit the rows becomes llama.cpp's fallback for it, then F16
     * (llama-quant.cpp:383-404).
     */
    private static GgmlType fallback(String name, GgmlType type, long cols) {
        if (cols % type.blockSize() == 0) {
            return type;
        }
        GgmlType next = switch (type) {
            case Q2_K, Q3_K, IQ4_XS -> GgmlType.IQ4_NL;
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            // llama.cpp refuses such a file ("Unsupported tensor size encountered")
            default -> throw new IllegalArgumentException(name + ": llama.cpp cannot quantize rows of " + cols
                    + " to " + type);
        };
        return cols % next.blockSize() == 0 ? next : GgmlType.F16;
    }

    /** llama.cpp's use_more_bits: the first and last eighth of the layers, and every third between. */
    static boolean useMoreBits(int i, int n) {
        return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
    }

    /**
     * The tensors of {@code arch} laid out as a file of this quantization holds them: each with
     * its type and its offset in the data section, in llama.cpp's order (non-block tensors
     * first, then by block and name: its weights_map's weight_name_comparer).
     *
     * @throws IllegalArgumentException where llama.cpp could not write such a file (rows that no
     *                                  type of this quantization fits)
     */
    public List<GgufTensorInfo> apply(Architecture arch, ModelShape shape, List<TensorLayout.Tensor> tensors) {
        List<TensorLayout.Tensor> ordered = new ArrayList<>(tensors);
        ordered.sort(Comparator.comparingInt((TensorLayout.Tensor t) -> GgufTensorInfo.blockOf(t.name()))
                .thenComparing(TensorLayout.Tensor::name));
        boolean tied = ordered.stream().noneMatch(t -> t.name().equals("output.weight"));
        Model model = Model.of(arch, shape, tied);
        List<GgufTensorInfo> out = new ArrayList<>(ordered.size());
        long offset = 0;
        for (TensorLayout.Tensor t : ordered) {
            // as converted: llama.cpp's converters write norms, biases and routers in F32
            GgmlType type = quantizes(t.name(), t.rank()) ? typeOf(t.name(), t.dim(0), model) : GgmlType.F32;
            GgufTensorInfo info = new GgufTensorInfo(t.name(), t.dims(), type, offset);
            out.add(info);
            offset = GgufHeader.alignUp(offset + info.byteSize(), ALIGNMENT);
        }
        return out;
    }
}
