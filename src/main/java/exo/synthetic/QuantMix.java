package exo.synthetic;

import exo.InvalidInputException;
import exo.gguf.GgmlType;
import exo.models.QuantRules;
import java.util.Optional;

/**
 * The tensor types of a synthetic file: either the types llama.cpp's quantizer would give a
 * file of that quantization ({@link QuantRules}, the one copy of its rules) or, for tests, every
 * matrix, output head included, of one type. Norms, biases and routers are F32 either way (the
 * writer never asks for them).
 *
 * @param name          the quantization's name as models.yaml and Hugging Face file names use it
 * @param base          the type of every matrix the rules do not single out
 * @param llamaCppRules apply llama.cpp's per-tensor rules (false: uniform)
 */
public record QuantMix(String name, GgmlType base, boolean llamaCppRules) {

    public QuantMix {
        if (name == null || base == null) {
            throw new IllegalArgumentException("a quantization needs a name and a base type");
        }
        if (llamaCppRules && !QuantRules.find(name).map(r -> r.name().equals(name) && r.base() == base).orElse(false)) {
            throw new IllegalArgumentException(name + " with base " + base + " is not a quantization of llama.cpp's");
        }
    }

    /** Every matrix of {@code type}. */
    public static QuantMix uniform(GgmlType type) {
        return new QuantMix(type.name(), type, false);
    }

    /** The mix llama.cpp writes for {@code name} (any case). */
    public static QuantMix of(String name) {
        QuantRules rules = QuantRules.find(name).orElseThrow(() -> new InvalidInputException("quant",
                "no synthetic files of quantization " + name + " (known: " + String.join(", ", QuantRules.NAMES) + ")"));
        return new QuantMix(rules.name(), rules.base(), true);
    }

    /**
     * The type of tensor {@code tensor}, a weight the quantizer {@link QuantRules#quantizes},
     * whose rows are {@code cols} long, in {@code model}.
     *
     * @throws IllegalArgumentException for rows llama.cpp could not quantize so
     */
    public GgmlType typeOf(String tensor, int cols, QuantRules.Model model) {
        return llamaCppRules ? QuantRules.of(name).typeOf(tensor, cols, model) : base;
    }

    /** The name of a general.file_type number, as "Q4_K_M", for the quantizations of {@link QuantRules}. */
    public static Optional<String> nameOfFileType(int fileType) {
        return QuantRules.NAMES.stream().filter(n -> fileType(n) == fileType).findFirst();
    }

    /** llama_ftype numbers for general.file_type (llama.h), by the mix's name (a uniform mix's is its type's). */
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
}
