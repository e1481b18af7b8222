package exo.engine.ggml;

import exo.engine.llamacpp.NativeBinding;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static exo.engine.llamacpp.NativeBinding.call;
import static exo.engine.llamacpp.NativeBinding.run;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcalls into ggml-backend.h and ggml-cpu.h: backends that compute graphs, their buffers and
 * the tensors placed in them, and the CPU backend's thread pools (llama.cpp build b4916), one Java
 * method per C function, named as in C; each comment is the C declaration. {@code int64_t} and
 * {@code size_t} are {@code long}, enums {@code int}. No policy here: ggml aborts the process on a
 * failed assertion, so callers validate before they call. Bound once, with the library, by {@link
 * GgmlApi}.
 */
final class GgmlBackends {
    /** Bytes reserved for {@code struct ggml_threadpool_params} (528 in b4916: a 512-entry cpumask and five fields). */
    static final long THREADPOOL_PARAMS_BYTES = 1024;
    /**
     * Offset of {@code uint32_t poll} in {@code struct ggml_threadpool_params} (b4916: after
     * {@code bool cpumask[512]}, {@code int n_threads} and {@code enum ggml_sched_priority prio}).
     */
    static final long THREADPOOL_PARAMS_POLL = 520;

    private final MethodHandle backendName;
    private final MethodHandle backendSupportsOp;
    private final MethodHandle cpuInit;
    private final MethodHandle cpuSetNThreads;
    private final MethodHandle cpuSetThreadpool;
    private final MethodHandle graphCompute;
    private final MethodHandle backendFree;
    private final MethodHandle cpuBufferFromPtr;
    private final MethodHandle cpuBufferType;
    private final MethodHandle buftAllocBuffer;
    private final MethodHandle bufferFree;
    private final MethodHandle bufferGetBase;
    private final MethodHandle bufferClear;
    private final MethodHandle tensorAlloc;
    private final MethodHandle tensorSet;
    private final MethodHandle tensorSetMayLog;
    private final MethodHandle tensorGet;
    private final MethodHandle repackBufferType;
    private final MethodHandle threadpoolParamsInit;
    private final MethodHandle threadpoolNew;
    private final MethodHandle threadpoolFree;

    GgmlBackends(NativeBinding binding) {
        // Heap arrays may be passed straight to these: they copy and return without calling back.
        Linker.Option heap = Linker.Option.critical(true);
        backendName = binding.bind("ggml_backend_name", FunctionDescriptor.of(ADDRESS, ADDRESS));
        backendSupportsOp = binding.bind("ggml_backend_supports_op", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS));
        cpuInit = binding.bind("ggml_backend_cpu_init", FunctionDescriptor.of(ADDRESS));
        cpuSetNThreads = binding.bind("ggml_backend_cpu_set_n_threads", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        cpuSetThreadpool = binding.bind("ggml_backend_cpu_set_threadpool", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        graphCompute = binding.bind("ggml_backend_graph_compute", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        backendFree = binding.bind("ggml_backend_free", FunctionDescriptor.ofVoid(ADDRESS));
        cpuBufferFromPtr = binding.bind("ggml_backend_cpu_buffer_from_ptr", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
        cpuBufferType = binding.bind("ggml_backend_cpu_buffer_type", FunctionDescriptor.of(ADDRESS));
        buftAllocBuffer = binding.bind("ggml_backend_buft_alloc_buffer", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
        bufferFree = binding.bind("ggml_backend_buffer_free", FunctionDescriptor.ofVoid(ADDRESS));
        bufferGetBase = binding.bind("ggml_backend_buffer_get_base", FunctionDescriptor.of(ADDRESS, ADDRESS));
        bufferClear = binding.bind("ggml_backend_buffer_clear", FunctionDescriptor.ofVoid(ADDRESS, JAVA_BYTE));
        // Declared void in b4916 (later builds return a status, which a void binding ignores safely).
        tensorAlloc = binding.bind("ggml_backend_tensor_alloc", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        tensorSet = binding.bind("ggml_backend_tensor_set",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG), heap);
        // A repacking buffer logs from set_tensor, and an upcall is not allowed inside a critical call.
        tensorSetMayLog = binding.bind("ggml_backend_tensor_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
        tensorGet = binding.bind("ggml_backend_tensor_get",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG), heap);
        // C++ linkage, so the mangled name: ggml_backend_buffer_type_t ggml_backend_cpu_aarch64_buffer_type(void).
        // It exists where ggml was built with GGML_CPU_AARCH64 (the repacked Q4_0 kernels); absent is fine.
        repackBufferType = binding.symbols().find("_Z36ggml_backend_cpu_aarch64_buffer_typev")
                .map(s -> Linker.nativeLinker().downcallHandle(s, FunctionDescriptor.of(ADDRESS))).orElse(null);
        threadpoolParamsInit = binding.bind("ggml_threadpool_params_init", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        threadpoolNew = binding.bind("ggml_threadpool_new", FunctionDescriptor.of(ADDRESS, ADDRESS));
        threadpoolFree = binding.bind("ggml_threadpool_free", FunctionDescriptor.ofVoid(ADDRESS));
    }

    /** {@code const char * ggml_backend_name(ggml_backend_t backend);} */
    String ggml_backend_name(MemorySegment backend) {
        return call(() -> NativeBinding.cString((MemorySegment) backendName.invokeExact(backend)));
    }

    /** {@code bool ggml_backend_supports_op(ggml_backend_t backend, const struct ggml_tensor * op);} */
    boolean ggml_backend_supports_op(MemorySegment backend, MemorySegment op) {
        return (boolean) call(() -> (boolean) backendSupportsOp.invokeExact(backend, op));
    }

    /** {@code ggml_backend_t ggml_backend_cpu_init(void);} */
    MemorySegment ggml_backend_cpu_init() {
        return call(() -> (MemorySegment) cpuInit.invokeExact());
    }

    /** {@code void ggml_backend_cpu_set_n_threads(ggml_backend_t backend_cpu, int n_threads);} */
    void ggml_backend_cpu_set_n_threads(MemorySegment backend, int threads) {
        run(() -> {
            cpuSetNThreads.invokeExact(backend, threads);
        });
    }

    /** {@code void ggml_backend_cpu_set_threadpool(ggml_backend_t backend_cpu, ggml_threadpool_t threadpool);} */
    void ggml_backend_cpu_set_threadpool(MemorySegment backend, MemorySegment threadpool) {
        run(() -> {
            cpuSetThreadpool.invokeExact(backend, threadpool);
        });
    }

    /** {@code enum ggml_status ggml_backend_graph_compute(ggml_backend_t backend, struct ggml_cgraph * cgraph);} 0 = success. */
    int ggml_backend_graph_compute(MemorySegment backend, MemorySegment graph) {
        return (int) call(() -> (int) graphCompute.invokeExact(backend, graph));
    }

    /** {@code void ggml_backend_free(ggml_backend_t backend);} */
    void ggml_backend_free(MemorySegment backend) {
        run(() -> {
            backendFree.invokeExact(backend);
        });
    }

    /** {@code ggml_backend_buffer_t ggml_backend_cpu_buffer_from_ptr(void * ptr, size_t size);} memory exo owns, not copied. */
    MemorySegment ggml_backend_cpu_buffer_from_ptr(MemorySegment ptr, long size) {
        return call(() -> (MemorySegment) cpuBufferFromPtr.invokeExact(ptr, size));
    }

    /** {@code ggml_backend_buffer_type_t ggml_backend_cpu_buffer_type(void);} */
    MemorySegment ggml_backend_cpu_buffer_type() {
        return call(() -> (MemorySegment) cpuBufferType.invokeExact());
    }

    /** {@code ggml_backend_buffer_t ggml_backend_buft_alloc_buffer(ggml_backend_buffer_type_t buft, size_t size);} NULL on failure. */
    MemorySegment ggml_backend_buft_alloc_buffer(MemorySegment buft, long size) {
        return call(() -> (MemorySegment) buftAllocBuffer.invokeExact(buft, size));
    }

    /** {@code void ggml_backend_buffer_free(ggml_backend_buffer_t buffer);} */
    void ggml_backend_buffer_free(MemorySegment buffer) {
        run(() -> {
            bufferFree.invokeExact(buffer);
        });
    }

    /** {@code void * ggml_backend_buffer_get_base(ggml_backend_buffer_t buffer);} */
    MemorySegment ggml_backend_buffer_get_base(MemorySegment buffer) {
        return call(() -> (MemorySegment) bufferGetBase.invokeExact(buffer));
    }

    /** {@code void ggml_backend_buffer_clear(ggml_backend_buffer_t buffer, uint8_t value);} */
    void ggml_backend_buffer_clear(MemorySegment buffer, byte value) {
        run(() -> {
            bufferClear.invokeExact(buffer, value);
        });
    }

    /** {@code void ggml_backend_tensor_alloc(ggml_backend_buffer_t buffer, struct ggml_tensor * tensor, void * addr);} */
    void ggml_backend_tensor_alloc(MemorySegment buffer, MemorySegment tensor, MemorySegment addr) {
        run(() -> {
            tensorAlloc.invokeExact(buffer, tensor, addr);
        });
    }

    /** {@code void ggml_backend_tensor_set(struct ggml_tensor * tensor, const void * data, size_t offset, size_t size);} */
    void ggml_backend_tensor_set(MemorySegment tensor, MemorySegment data, long offset, long size) {
        run(() -> {
            tensorSet.invokeExact(tensor, data, offset, size);
        });
    }

    /** {@link #ggml_backend_tensor_set} for native {@code data}, into a buffer that may log (a repacking one). */
    void ggml_backend_tensor_set_native(MemorySegment tensor, MemorySegment data, long offset, long size) {
        run(() -> {
            tensorSetMayLog.invokeExact(tensor, data, offset, size);
        });
    }

    /** {@code void ggml_backend_tensor_get(const struct ggml_tensor * tensor, void * data, size_t offset, size_t size);} */
    void ggml_backend_tensor_get(MemorySegment tensor, MemorySegment data, long offset, long size) {
        run(() -> {
            tensorGet.invokeExact(tensor, data, offset, size);
        });
    }

    /**
     * {@code ggml_backend_cpu_aarch64_buffer_type()}: weights placed in a buffer of this type are
     * repacked on {@link #ggml_backend_tensor_set} into interleaved rows (Q4_0 as 8x8 blocks on
     * AVX2) that the CPU backend multiplies faster; llama.cpp puts Q4_0 matrices there. NULL when
     * the library lacks it.
     */
    MemorySegment ggml_backend_cpu_aarch64_buffer_type() {
        if (repackBufferType == null) {
            return MemorySegment.NULL;
        }
        return call(() -> (MemorySegment) repackBufferType.invokeExact());
    }

    /** {@code void ggml_threadpool_params_init(struct ggml_threadpool_params * p, int n_threads);} */
    void ggml_threadpool_params_init(MemorySegment params, int threads) {
        run(() -> {
            threadpoolParamsInit.invokeExact(params, threads);
        });
    }

    /** {@code struct ggml_threadpool * ggml_threadpool_new(struct ggml_threadpool_params * params);} */
    MemorySegment ggml_threadpool_new(MemorySegment params) {
        return call(() -> (MemorySegment) threadpoolNew.invokeExact(params));
    }

    /** {@code void ggml_threadpool_free(struct ggml_threadpool * threadpool);} */
    void ggml_threadpool_free(MemorySegment threadpool) {
        run(() -> {
            threadpoolFree.invokeExact(threadpool);
        });
    }
}
