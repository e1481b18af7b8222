package exo.engine.llamacpp;

/**
 * How a {@link LlamaCppNative} sets up its llama.cpp context.
 *
 * @param threads     CPU threads for both single tokens and batches ({@code n_threads},
 *                    {@code n_threads_batch})
 * @param contextSize tokens the KV cache holds; also the most one batch may carry ({@code n_ctx},
 *                    {@code n_batch})
 * @param kvCache     element type of the KV cache ({@code type_k}, {@code type_v})
 * @param gpuLayers   layers llama.cpp offloads to a GPU backend of the library ({@code n_gpu_layers}):
 *                    0 keeps the model on the CPU; with a CPU build nothing is offloaded anyway
 */
public record ContextOptions(int threads, int contextSize, KvCacheType kvCache, int gpuLayers) {

    /** Every layer, as llama.cpp's {@code -ngl 999} asks. */
    public static final int ALL_LAYERS = 999;

    /** On the CPU. */
    public ContextOptions(int threads, int contextSize, KvCacheType kvCache) {
        this(threads, contextSize, kvCache, 0);
    }

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
        if (gpuLayers < 0) {
            throw new IllegalArgumentException("gpuLayers must be >= 0, got " + gpuLayers);
        }
    }

    /** llama.cpp's own default: an F16 KV cache, on the CPU. */
    public static ContextOptions of(int threads, int contextSize) {
        return new ContextOptions(threads, contextSize, KvCacheType.F16);
    }

    /** The same with every layer on a GPU where the library has a backend for one. */
    public ContextOptions onGpu() {
        return new ContextOptions(threads, contextSize, kvCache, ALL_LAYERS);
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
