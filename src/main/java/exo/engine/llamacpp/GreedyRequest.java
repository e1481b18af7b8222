package exo.engine.llamacpp;

import de.kherud.llama.InferenceParameters;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the JSON request for one greedy completion whose prompt is a list of token ids.
 *
 * <p>Why reflection: the bindings turn {@link InferenceParameters} into the JSON body of a
 * llama.cpp server completion request, and that server reads {@code "prompt"} as either a
 * string or an array of token ids ({@code tokenize_input_prompts} in llama.cpp b4916, the
 * build inside de.kherud:llama 4.2.0). But the only public setter,
 * {@code setPrompt(String)}, always writes a quoted string, which llama.cpp would tokenize
 * again (adding BOS, parsing special tokens). To hand llama.cpp the exact ids we put a raw
 * JSON array into the parameters' package-private map; the bindings sit on the class path,
 * so the field is accessible without {@code --add-opens}.
 *
 * <p>What is never set: {@code n_probs}. In 4.2.0 any {@code n_probs > 0} makes the JNI
 * code look up the pre-2025 keys {@code probs}/{@code tok_str} in the server's reply, which
 * b4916 no longer writes; the failed lookup is a GGML_ASSERT that aborts the whole JVM.
 */
final class GreedyRequest {

    private static final Field PARAMETERS = parametersField();

    private GreedyRequest() {
    }

    /**
     * @param cachePrompt false to evaluate the prompt from scratch (reproducible runs); true to
     *                    reuse the KV cache for the common prefix with the previous request
     */
    static InferenceParameters of(int[] promptIds, int maxTokens, boolean cachePrompt) {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("prompt must hold at least one token (llama.cpp refuses an empty one)");
        }
        InferenceParameters p = new InferenceParameters("")
                .setNPredict(maxTokens)
                // Greedy: top_k 1 leaves only the arg-max, temperature 0 keeps it; no penalties.
                .setTopK(1)
                .setTemperature(0f)
                .setRepeatPenalty(1f)
                .setFrequencyPenalty(0f)
                .setPresencePenalty(0f)
                .setSeed(0)
                .setCachePrompt(cachePrompt);
        raw(p).put("prompt", Arrays.stream(promptIds).mapToObj(Integer::toString)
                .collect(Collectors.joining(",", "[", "]")));
        return p;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> raw(InferenceParameters p) {
        try {
            return (Map<String, String>) PARAMETERS.get(p);
        } catch (IllegalAccessException e) {
            throw new LlamaCppException("de.kherud:llama changed: cannot set a token-id prompt", e);
        }
    }

    private static Field parametersField() {
        try {
            Field f = InferenceParameters.class.getSuperclass().getDeclaredField("parameters");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new LlamaCppException("de.kherud:llama changed: no parameters map to hold a token-id prompt", e);
        }
    }
}
