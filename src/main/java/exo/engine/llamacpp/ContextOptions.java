package exo.engine.llamacpp;

/**
 * How a {@link LlamaCppNative} sets up its llama.cpp context.
 *
 * @param threads     CPU threads for both single tokens and batches ({@code n_threads},
 *                    {@code n_threads_batch})
 * @param contextSize tokens the KV cache holds; also the most one batch may carry ({@code n_ctx},
 *                    {@code n_batch})
 * @param kvCache     element type of the KV cache ({@code type_k}, {@code type_v})
 */
public record ContextOptions(int threads, int contextSize, KvCacheType kvCache) {

    public ContextOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (contextSize < 1) {
            throw new IllegalArgumentException("contextSize must be >= 1, got " + contextSize);
        }
        if (kvCache == null) {
            throw new IllegalArgumentException("kvCache must be given");
        }
    }

    /** llama.cpp's own default: an F16 KV cache. */
    public static ContextOptions of(int threads, int contextSize) {
        return new ContextOptions(threads, contextSize, KvCacheType.F16);
    }

    /**
     * The KV cache's element type, as {@code enum ggml_type} numbers it (ggml.h). F16 is llama.cpp's
     * default and what its users get; F32 makes a batch and the same tokens one by one agree to
     * float rounding (on stories260K: 1e-5 with F32 against 1e-2 with F16), which is what a
     * comparison with an F32 engine wants.
     */
    public enum KvCacheType {
        F32(0),
        F16(1);

        private final int ggmlType;

        KvCacheType(int ggmlType) {
            this.ggmlType = ggmlType;
        }

        int ggmlType() {
            return ggmlType;
        }
    }
}
