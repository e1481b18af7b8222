package exo.engine.select;

import exo.InvalidInputException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The engines a person can name with {@code --engine}. */
public enum EngineKind {
    /** ggml where the llama.cpp library loads, the Java engine elsewhere. */
    AUTO("auto"),
    /** Slices on ggml, the tensor library inside llama.cpp: every GGUF type, llama.cpp's speed. */
    GGML("ggml"),
    /** exo's own engine: portable, exact, no native code. */
    JAVA("java"),
    /** Whole models through llama.h (no slices): llama.cpp itself, for comparison. */
    LLAMA_CPP("llama.cpp");

    private final String label;

    EngineKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }

    /** The kind named {@code value} (any case). */
    public static EngineKind parse(String value) {
        for (EngineKind k : values()) {
            if (k.label.equalsIgnoreCase(value.strip())) {
                return k;
            }
        }
        throw new InvalidInputException("engine", "'" + value + "' is not an engine (" + names() + ")");
    }

    public static String names() {
        return Arrays.stream(values()).map(EngineKind::label).collect(Collectors.joining(", "));
    }
}
