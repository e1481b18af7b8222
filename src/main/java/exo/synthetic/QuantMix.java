package exo.synthetic;

import exo.InvalidInputException;

import exo.gguf.GgmlType;
import java.util.Locale;

/**
 * Which tensor type each weight of a model gets in a file of a given quantization, as
 * llama.cpp's quantizer chooses it ({@code llama_tensor_get_type} in llama-quant.cpp, build
 * b4916): the "_M" mixes give some attn_v and ffn_down tensors more bits (with experts, every
 * down projection of a layer alike), an 8-expert model's attn_k and attn_v get Q8_0, the output
 * head gets Q6_K unless the file is Q8_0 or unquantized, and rows that are not whole blocks fall
 * back to a 32-block type. Norms, biases and routers are always F32 (the writer keeps them so).
 * A uniform mix (every matrix, output included, of one type) is for tests.
 *
 * @param name the quantization's name as models.yaml and Hugging Face file names use it
 * @param base the type of every matrix the rules do not single out
 * @param llamaCppRules apply llama.cpp's per-tensor rules (false: uniform)
 */
public record QuantMix(String name, GgmlType base, boolean llamaCppRules) {

    public QuantMix {
        if (name == null || base == null) {
            throw new IllegalArgumentException("a quantization needs a name and a base type");
        }
    }

    /** Every matrix of {@code type}. */
    public static QuantMix uniform(GgmlType type) {
        return new QuantMix(type.name(), type, false);
    }

    /** The mix llama.cpp writes for {@code name} (see {@link #of}). */
    public static QuantMix of(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        GgmlType base = switch (n) {
            case "Q4_K_M", "Q4_K_S" -> GgmlType.Q4_K;
            case "Q5_K_M", "Q5_K_S" -> GgmlType.Q5_K;
            case "Q3_K_M", "Q3_K_S", "Q3_K_L" -> GgmlType.Q3_K;
            case "Q2_K" -> GgmlType.Q2_K;
            case "Q6_K" -> GgmlType.Q6_K;
            case "Q8_0" -> GgmlType.Q8_0;
            case "Q4_0" -> GgmlType.Q4_0;
            case "F16" -> GgmlType.F16;
            case "BF16" -> GgmlType.BF16;
            case "F32" -> GgmlType.F32;
            default -> throw new InvalidInputException("quant", "no synthetic files of quantization " + name
                    + " (known: Q2_K, Q3_K_S, Q3_K_M, Q3_K_L, Q4_0, Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M, Q6_K, Q8_0, F16, BF16, F32)");
        };
        return new QuantMix(n, base, true);
    }

    /**
     * The facts about a model llama.cpp's type rules look at.
     *
     * @param blocks      the file's block_count (a GLM file's prediction block included)
     * @param gqa         query heads per KV head
     * @param experts     routed experts per MoE layer (0 for a dense model); 8 selects Mixtral's rules
     * @param tiedOutput  token_embd doubles as the output head
     */
    public record Model(int blocks, int gqa, int experts, boolean tiedOutput) {
    }

    /**
     * The type of matrix {@code tensor} ("blk.3.attn_v.weight", "output.weight", ...) with rows of
     * {@code cols} weights, in a model of {@code layers} blocks whose query heads share each KV
     * head {@code gqa} ways; {@code tiedOutput} when token_embd doubles as the output head.
     */
    public GgmlType typeOf(String tensor, int cols, int layers, int gqa, boolean tiedOutput) {
        return typeOf(tensor, cols, new Model(layers, gqa, 0, tiedOutput));
    }

    /**
     * The type of quantizable tensor {@code tensor} (a 2-D or 3-D weight that is neither a norm nor
     * a router) whose rows are {@code cols} long, in {@code model}.
     */
    public GgmlType typeOf(String tensor, int cols, Model model) {
        if (!llamaCppRules || !base.isQuantized()) {
            return base;
        }
        return fallback(ruleFor(tensor, model), cols);
    }

    private GgmlType ruleFor(String tensor, Model m) {
        boolean output = tensor.equals("output.weight") || m.tiedOutput() && tensor.equals("token_embd.weight");
        if (output) {
            return base == GgmlType.Q8_0 ? GgmlType.Q8_0 : GgmlType.Q6_K;
        }
        int layer = layerOf(tensor);
        boolean mixtral = m.experts() == 8;
        if (tensor.contains("attn_v.weight")) {
            GgmlType t = switch (name) {
                case "Q2_K" -> m.gqa() >= 4 ? GgmlType.Q4_K : GgmlType.Q3_K;
                case "Q3_K_M" -> layer < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
                case "Q3_K_L" -> GgmlType.Q5_K;
                case "Q4_K_M", "Q5_K_M" -> useMoreBits(layer, m.blocks()) ? GgmlType.Q6_K : base;
                case "Q4_K_S" -> layer < 4 ? GgmlType.Q5_K : base;
                default -> base;
            };
            // llama.cpp's LLM_TYPE_70B (80 blocks): eight query heads share each V, so V gets more bits cheaply.
            if (m.blocks() == 80 && (t == GgmlType.Q3_K || t == GgmlType.Q4_K)) {
                t = GgmlType.Q5_K;
            }
            // "for the 8-expert model, bumping this to Q8_0 trades just ~128MB"
            return mixtral ? GgmlType.Q8_0 : t;
        }
        if (tensor.contains("attn_k.weight") && mixtral) {
            return GgmlType.Q8_0;
        }
        if (tensor.contains("ffn_down")) {
            // With experts every down projection of a layer (routed, shared) takes the layer's type.
            return switch (name) {
                case "Q2_K" -> GgmlType.Q3_K;
                case "Q3_K_M" -> layer < m.blocks() / 16 ? GgmlType.Q5_K : GgmlType.Q4_K;
                case "Q3_K_L" -> GgmlType.Q5_K;
                case "Q4_K_M", "Q5_K_M" -> useMoreBits(layer, m.blocks()) ? GgmlType.Q6_K : base;
                case "Q4_K_S" -> layer < m.blocks() / 8 ? GgmlType.Q5_K : base;
                default -> base;
            };
        }
        if (tensor.contains("attn_output.weight")) {
            if (mixtral) {
                return switch (name) {
                    case "Q2_K", "Q3_K_S", "Q3_K_M", "Q4_K_S", "Q4_K_M" -> GgmlType.Q5_K;
                    default -> base;
                };
            }
            return switch (name) {
                case "Q2_K" -> GgmlType.Q3_K;
                case "Q3_K_M" -> GgmlType.Q4_K;
                case "Q3_K_L" -> GgmlType.Q5_K;
                default -> base;
            };
        }
        return base;
    }

    /**
     * Rows that are not whole blocks of the chosen type: llama.cpp falls back to a type of
     * 32-element blocks (MLA's attn_k_b, GLM-4.5-Air's down projections), and to F16 when even
     * those do not fit.
     */
    private static GgmlType fallback(GgmlType t, int cols) {
        if (cols % t.blockSize() == 0) {
            return t;
        }
        GgmlType f = switch (t) {
            case Q2_K, Q3_K -> GgmlType.IQ4_NL;
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> t;
        };
        return cols % f.blockSize() == 0 ? f : GgmlType.F16;
    }

    /** llama.cpp's use_more_bits: the first and last eighth of the layers, and every third between. */
    static boolean useMoreBits(int i, int n) {
        return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
    }

    /** The name of a general.file_type number, as "Q4_K_M", for the types this class knows. */
    public static java.util.Optional<String> nameOfFileType(int fileType) {
        for (String n : new String[] {"F32", "F16", "Q4_0", "Q8_0", "Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_K_S",
            "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K", "BF16"}) {
            if (fileType(n) == fileType) {
                return java.util.Optional.of(n);
            }
        }
        return java.util.Optional.empty();
    }

    /** llama_ftype numbers for general.file_type (llama.h). */
    public int fileType() {
        return fileType(name);
    }

    private static int fileType(String name) {
        return switch (name) {
            case "F32" -> 0;
            case "F16" -> 1;
            case "Q4_0" -> 2;
            case "Q8_0" -> 7;
            case "Q2_K" -> 10;
            case "Q3_K_S" -> 11;
            case "Q3_K_M" -> 12;
            case "Q3_K_L" -> 13;
            case "Q4_K_S" -> 14;
            case "Q4_K_M" -> 15;
            case "Q5_K_S" -> 16;
            case "Q5_K_M" -> 17;
            case "Q6_K" -> 18;
            case "BF16" -> 32;
            default -> throw new IllegalArgumentException("no file type for " + name);
        };
    }

    private static int layerOf(String tensor) {
        if (!tensor.startsWith("blk.")) {
            return 0;
        }
        return Integer.parseInt(tensor.substring(4, tensor.indexOf('.', 4)));
    }
}
