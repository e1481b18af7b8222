package exo.engine.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The model families exo computes, named as GGUF's {@code general.architecture} names them. Each
 * is computed op for op as llama.cpp builds it (b4916's graphs where that build knows the
 * architecture; qwen3moe and glm4moe as the llama.cpp version that added them).
 */
public enum Architecture {
    LLAMA("llama", false),
    MISTRAL("mistral", false),
    QWEN2("qwen2", true),
    QWEN3("qwen3", true),
    QWEN2MOE("qwen2moe", true),
    QWEN3MOE("qwen3moe", true),
    DEEPSEEK2("deepseek2", false),
    GLM4MOE("glm4moe", true),
    GEMMA3("gemma3", true);

    private final String ggufName;
    private final boolean neoxRope;

    Architecture(String ggufName, boolean neoxRope) {
        this.ggufName = ggufName;
        this.neoxRope = neoxRope;
    }

    /** The name in {@code general.architecture} and in the metadata keys' prefix. */
    public String ggufName() {
        return ggufName;
    }

    /**
     * Whether rope rotates pairs (i, i + n/2) as GPT-NeoX does (llama.cpp's LLAMA_ROPE_TYPE_NEOX)
     * rather than adjacent pairs (2i, 2i + 1) as llama does (NORM).
     */
    public boolean neoxRope() {
        return neoxRope;
    }

    public static Optional<Architecture> of(String ggufName) {
        return Arrays.stream(values()).filter(a -> a.ggufName.equals(ggufName)).findFirst();
    }

    /**
     * The architecture {@code ggufName} names.
     *
     * @throws UnsupportedModelException for one exo does not run, naming the ones it does
     */
    public static Architecture require(String ggufName) {
        return of(ggufName).orElseThrow(() -> new UnsupportedModelException("unsupported architecture '"
                + ggufName + "' (supported: " + supportedNames() + ")"));
    }

    /** The supported names, sorted, comma-separated. */
    public static String supportedNames() {
        return Arrays.stream(values()).map(Architecture::ggufName).sorted().collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return ggufName.toLowerCase(Locale.ROOT);
    }
}
