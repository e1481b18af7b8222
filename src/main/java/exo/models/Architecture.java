package exo.models;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Model families the engine knows, named as in GGUF's general.architecture. */
public enum Architecture {
    LLAMA, MISTRAL, QWEN2, QWEN3;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Architecture fromId(String id) {
        for (Architecture a : values()) {
            if (a.id().equals(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + id + "' (known: "
                + Arrays.stream(values()).map(Architecture::id).collect(Collectors.joining(", ")) + ")");
    }
}
