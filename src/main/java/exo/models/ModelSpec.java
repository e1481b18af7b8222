package exo.models;

import exo.InvalidInputException;
import exo.gguf.GgufTensorInfo;
import exo.topology.ModelShape;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * One entry of models.yaml: a model users can name, its shape and its published files.
 * {@code parameters} counts every weight the ring loads and {@code activeParameters} the ones
 * one token reads (the same for a dense model; a MoE model's token skips the experts it is not
 * routed to). {@code qkNorm}: a glm4moe model has per-head q/k norms (GLM-4.5, 4.6; not
 * 4.5-Air).
 */
public record ModelSpec(String id, String name, Architecture architecture, ModelShape shape, int context,
                        long parameters, long activeParameters, boolean qkNorm, String defaultQuant,
                        SequencedMap<String, QuantFile> quants) {

    /** A dense model: every parameter active. */
    public ModelSpec(String id, String name, Architecture architecture, ModelShape shape, int context, long parameters,
                     String defaultQuant, SequencedMap<String, QuantFile> quants) {
        this(id, name, architecture, shape, context, parameters, parameters, false, defaultQuant, quants);
    }

    public ModelSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(shape, "shape");
        quants = java.util.Collections.unmodifiableSequencedMap(new java.util.LinkedHashMap<>(quants));
        if (context < 1 || parameters < 1) {
            throw new IllegalArgumentException("context and parameters must be positive");
        }
        if (activeParameters < 1 || activeParameters > parameters) {
            throw new IllegalArgumentException("active parameters (" + activeParameters
                    + ") must be positive and at most the " + parameters + " parameters");
        }
        if (quants.isEmpty()) {
            throw new IllegalArgumentException("at least one quantization is needed");
        }
        if (!quants.containsKey(defaultQuant)) {
            throw new IllegalArgumentException("default_quant " + defaultQuant + " is not among " + quants.keySet());
        }
    }

    public int layers() {
        return shape.layers();
    }

    /** The quantization named (case-insensitively), or the default for null. */
    public QuantFile quant(String quant) {
        if (quant == null) {
            return quants.get(defaultQuant);
        }
        for (Map.Entry<String, QuantFile> e : quants.entrySet()) {
            if (e.getKey().equalsIgnoreCase(quant)) {
                return e.getValue();
            }
        }
        throw new InvalidInputException("quant", id + " has no quantization " + quant + " (available: "
                + String.join(", ", quants.keySet()) + ")");
    }

    /** Average bytes per weight of a published file: its size over the parameter count. */
    public double bytesPerWeight(QuantFile q) {
        return (double) q.size() / parameters;
    }

    /** Every tensor of this model's files, unquantized (names and shapes). */
    public List<TensorLayout.Tensor> tensorLayout() {
        return TensorLayout.of(this);
    }

    /**
     * The tensor table a file of {@code quant} would have under llama.cpp's quantizer rules,
     * offsets in the data section included.
     *
     * @throws IllegalArgumentException when there is no size model for {@code quant}
     */
    public List<GgufTensorInfo> tensorTable(String quant) {
        return QuantRules.of(quant).apply(architecture, shape, tensorLayout());
    }
}
