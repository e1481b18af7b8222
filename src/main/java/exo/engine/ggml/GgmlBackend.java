package exo.engine.ggml;

import exo.engine.llamacpp.LlamaCppException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Where a slice's graphs are computed: ggml's CPU backend with a thread pool that lives as long
 * as the engine (not one spawned per graph; in an OpenMP build such as the bundled one, libgomp's
 * team plays that part), and a graph allocator that reuses one compute
 * buffer for every graph's intermediate tensors. Another backend (Metal, CUDA) would differ only
 * in how {@link #open} makes the backend and which buffer type it allocates from.
 *
 * <p>Not thread-safe: the allocator and the backend serve one graph at a time; the engine
 * serialises its forward passes.
 */
final class GgmlBackend implements AutoCloseable {
    private final GgmlApi api;
    private final MemorySegment backend;
    private final MemorySegment threadpool;
    private final MemorySegment bufferType;
    private final MemorySegment allocator;
    private final int threads;

    private GgmlBackend(GgmlApi api, MemorySegment backend, MemorySegment threadpool, MemorySegment allocator,
                        int threads) {
        this.api = api;
        this.backend = backend;
        this.threadpool = threadpool;
        this.bufferType = api.ggml_backend_cpu_buffer_type();
        this.allocator = allocator;
        this.threads = threads;
    }

    static GgmlBackend open(GgmlApi api, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        MemorySegment backend = api.ggml_backend_cpu_init();
        if (MemorySegment.NULL.equals(backend)) {
            throw new LlamaCppException("ggml could not start its CPU backend");
        }
        MemorySegment pool;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(GgmlApi.THREADPOOL_PARAMS_BYTES, 64);
            api.ggml_threadpool_params_init(params, threads);
            // No polling between graphs: idle workers sleep instead of spinning, so a node between
            // tokens leaves its cores to others. (The bundled library is built with OpenMP, whose
            // own team computes and spins per GOMP_SPINCOUNT; this pool serves builds without it.)
            params.set(java.lang.foreign.ValueLayout.JAVA_INT, GgmlApi.THREADPOOL_PARAMS_POLL, 0);
            pool = api.ggml_threadpool_new(params);
        }
        if (MemorySegment.NULL.equals(pool)) {
            api.ggml_backend_free(backend);
            throw new LlamaCppException("ggml could not start a pool of " + threads + " threads");
        }
        api.ggml_backend_cpu_set_n_threads(backend, threads);
        api.ggml_backend_cpu_set_threadpool(backend, pool);
        MemorySegment allocator = api.ggml_gallocr_new(api.ggml_backend_cpu_buffer_type());
        return new GgmlBackend(api, backend, pool, allocator, threads);
    }

    int threads() {
        return threads;
    }

    /** The buffer type weights, caches and intermediate tensors of this backend live in. */
    MemorySegment bufferType() {
        return bufferType;
    }

    /** Gives every tensor of {@code graph} without memory a place in the (reused) compute buffer. */
    void allocate(MemorySegment graph) {
        if (!api.ggml_gallocr_alloc_graph(allocator, graph)) {
            throw new LlamaCppException("ggml could not allocate the compute buffer (out of memory?)");
        }
    }

    void compute(MemorySegment graph) {
        int status = api.ggml_backend_graph_compute(backend, graph);
        if (status != 0) {
            throw new LlamaCppException("ggml graph compute failed with status " + status);
        }
    }

    @Override
    public void close() {
        api.ggml_gallocr_free(allocator);
        api.ggml_backend_free(backend);
        api.ggml_threadpool_free(threadpool);
    }
}
