package exo.engine.ggml;

import exo.engine.llamacpp.LlamaCppException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a slice's graphs are computed: a ggml device's backend, and a graph allocator that
 * reuses one compute buffer of that device for every graph's intermediate tensors. On the CPU
 * the backend has a thread pool that lives as long as the engine (not one spawned per graph;
 * in an OpenMP build such as the bundled one, libgomp's team plays that part). A GPU (Metal,
 * CUDA, Vulkan) differs only in how the backend is made and which buffer type it allocates
 * from, and in that its graphs are checked op by op before they run, since ggml aborts the
 * process on an op a backend lacks.
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
    private final String name;
    private final boolean cpu;

    private GgmlBackend(GgmlApi api, MemorySegment backend, MemorySegment threadpool, MemorySegment bufferType,
                        int threads, boolean cpu) {
        this.api = api;
        this.backend = backend;
        this.threadpool = threadpool;
        this.bufferType = bufferType;
        this.allocator = api.alloc.ggml_gallocr_new(bufferType);
        this.threads = threads;
        this.name = api.backend.ggml_backend_name(backend);
        this.cpu = cpu;
    }

    /** The CPU backend with {@code threads} threads. */
    static GgmlBackend open(GgmlApi api, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        MemorySegment backend = api.backend.ggml_backend_cpu_init();
        if (MemorySegment.NULL.equals(backend)) {
            throw new LlamaCppException("ggml could not start its CPU backend");
        }
        MemorySegment pool;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(GgmlBackends.THREADPOOL_PARAMS_BYTES, 64);
            api.backend.ggml_threadpool_params_init(params, threads);
            // No polling between graphs: idle workers sleep instead of spinning, so a node between
            // tokens leaves its cores to others. (The bundled library is built with OpenMP, whose
            // own team computes and spins per GOMP_SPINCOUNT; this pool serves builds without it.)
            params.set(java.lang.foreign.ValueLayout.JAVA_INT, GgmlBackends.THREADPOOL_PARAMS_POLL, 0);
            pool = api.backend.ggml_threadpool_new(params);
        }
        if (MemorySegment.NULL.equals(pool)) {
            api.backend.ggml_backend_free(backend);
            throw new LlamaCppException("ggml could not start a pool of " + threads + " threads");
        }
        api.backend.ggml_backend_cpu_set_n_threads(backend, threads);
        api.backend.ggml_backend_cpu_set_threadpool(backend, pool);
        return new GgmlBackend(api, backend, pool, api.backend.ggml_backend_cpu_buffer_type(), threads, true);
    }

    /** The backend of {@code device}: the CPU one with {@code threads} threads, or a GPU's. */
    static GgmlBackend open(GgmlApi api, GgmlDevices.Device device, int threads) {
        if (device.kind() == GgmlDevices.Kind.CPU) {
            return open(api, threads);
        }
        MemorySegment handle = GgmlDevices.handle(api, device);
        MemorySegment backend = api.devices.ggml_backend_dev_init(handle);
        if (MemorySegment.NULL.equals(backend)) {
            throw new LlamaCppException("ggml could not start " + device.name() + " (" + device.description()
                    + "); run with --gpu off to compute on the CPU");
        }
        return new GgmlBackend(api, backend, MemorySegment.NULL, api.devices.ggml_backend_dev_buffer_type(handle), threads,
                false);
    }

    int threads() {
        return threads;
    }

    /** ggml's name of the backend: "CPU", "Metal", "CUDA0". */
    String name() {
        return name;
    }

    /** Whether this is the CPU backend, which reads weights in place from the mapped file. */
    boolean isCpu() {
        return cpu;
    }

    /** The buffer type weights, caches and intermediate tensors of this backend live in. */
    MemorySegment bufferType() {
        return bufferType;
    }

    /** Gives every tensor of {@code graph} without memory a place in the (reused) compute buffer. */
    void allocate(MemorySegment graph) {
        if (!api.alloc.ggml_gallocr_alloc_graph(allocator, graph)) {
            throw new LlamaCppException("ggml could not allocate the compute buffer on " + name
                    + " (out of memory?)");
        }
    }

    /**
     * Graphs of different backends in one process compute one at a time. Two CPU backends of the
     * b4916 library computing at once, each with its own thread pool, compute buffer and
     * weights, still give wrong numbers now and then (two engines of stories260K stepping greedy
     * 60-token answers at once: 1 to 3 of 20 answers differed, with 1 or 2 threads each; none
     * with this lock), so some state inside ggml's CPU compute is shared. A process holds more
     * than one engine only for several models or slices at once, whose graphs would share its
     * cores anyway.
     */
    private static final ReentrantLock ONE_GRAPH_PER_PROCESS = new ReentrantLock();

    void compute(MemorySegment graph) {
        if (!cpu) {
            requireSupported(graph);
        }
        int status;
        ONE_GRAPH_PER_PROCESS.lock();
        try {
            status = api.backend.ggml_backend_graph_compute(backend, graph);
        } finally {
            ONE_GRAPH_PER_PROCESS.unlock();
        }
        if (status != 0) {
            throw new LlamaCppException("ggml graph compute on " + name + " failed with status " + status);
        }
    }

    /** Refuses a graph with an op this backend cannot compute, which ggml would abort the process over. */
    private void requireSupported(MemorySegment graph) {
        int n = api.ops.ggml_graph_n_nodes(graph);
        for (int i = 0; i < n; i++) {
            MemorySegment node = api.ops.ggml_graph_node(graph, i);
            if (!api.backend.ggml_backend_supports_op(backend, node)) {
                throw new LlamaCppException("the " + name + " backend cannot compute " + api.ops.ggml_op_desc(node)
                        + " for this model; run with --gpu off to compute on the CPU");
            }
        }
    }

    @Override
    public void close() {
        api.alloc.ggml_gallocr_free(allocator);
        api.backend.ggml_backend_free(backend);
        if (!MemorySegment.NULL.equals(threadpool)) {
            api.backend.ggml_threadpool_free(threadpool);
        }
    }
}
