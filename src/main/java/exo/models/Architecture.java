package exo.models;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Model families, named as in GGUF's general.architecture (mistral files say "llama"). Mixtral
 * is {@code llama} with experts, as llama.cpp has it.
 */
public enum Architecture {
    LLAMA, MISTRAL, QWEN2, QWEN3, QWEN2MOE, QWEN3MOE, DEEPSEEK2, GLM4MOE, GEMMA3;

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
