package exo.models;

import exo.InvalidInputException;

import exo.topology.ModelShape;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;

/** One entry of models.yaml: a model users can name, its shape and its published files. */
public record ModelSpec(String id, String name, Architecture architecture, ModelShape shape, int context,
                        long parameters, String defaultQuant, SequencedMap<String, QuantFile> quants) {

    public ModelSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(shape, "shape");
        quants = java.util.Collections.unmodifiableSequencedMap(new java.util.LinkedHashMap<>(quants));
        if (context < 1 || parameters < 1) {
            throw new IllegalArgumentException("context and parameters must be positive");
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
}
