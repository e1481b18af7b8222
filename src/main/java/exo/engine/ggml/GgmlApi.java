package exo.engine.ggml;

import exo.engine.llamacpp.LlamaCppException;
import exo.engine.llamacpp.LlamaLibrary;
import exo.engine.llamacpp.NativeBinding;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcall handles for the part of ggml (ggml.h, ggml-alloc.h, ggml-backend.h, ggml-cpu.h of
 * llama.cpp build b4916) the slice engine uses, one Java method per C function, named as in C;
 * each comment is the C declaration. {@code int64_t} and {@code size_t} are {@code long},
 * enums {@code int}. No policy here: ggml aborts the process on a failed assertion, so callers
 * validate shapes before they call.
 *
 * <p>The only struct passed by value is {@code ggml_init_params}; {@code ggml_tensor} is never
 * read field by field (sizes come from {@code ggml_row_size}), but its size is checked at load
 * through {@code ggml_tensor_overhead()} so a library of another layout is refused before use.
 */
final class GgmlApi {

    /** {@code struct ggml_init_params { size_t mem_size; void * mem_buffer; bool no_alloc; }}, 24 bytes. */
    static final StructLayout INIT_PARAMS = MemoryLayout.structLayout(
            JAVA_LONG.withName("mem_size"),
            ADDRESS.withName("mem_buffer"),
            JAVA_BOOLEAN.withName("no_alloc"),
            MemoryLayout.paddingLayout(7));

    /** sizeof(struct ggml_object) + sizeof(struct ggml_tensor) in b4916 (32 + 336). */
    static final long EXPECTED_TENSOR_OVERHEAD = 368;
    /** Bytes reserved for {@code struct ggml_threadpool_params} (528 in b4916: a 512-entry cpumask and five fields). */
    static final long THREADPOOL_PARAMS_BYTES = 1024;
    /**
     * Offset of {@code uint32_t poll} in {@code struct ggml_threadpool_params} (b4916: after
     * {@code bool cpumask[512]}, {@code int n_threads} and {@code enum ggml_sched_priority prio}).
     */
    static final long THREADPOOL_PARAMS_POLL = 520;

    private final MethodHandle init;
    private final MethodHandle free;
    private final MethodHandle tensorOverhead;
    private final MethodHandle graphOverheadCustom;
    private final MethodHandle newTensor1d;
    private final MethodHandle newTensor2d;
    private final MethodHandle newTensor3d;
    private final MethodHandle getRows;
    private final MethodHandle rmsNorm;
    private final MethodHandle mul;
    private final MethodHandle add;
    private final MethodHandle mulMat;
    private final MethodHandle reshape2d;
    private final MethodHandle reshape3d;
    private final MethodHandle ropeExt;
    private final MethodHandle view2d;
    private final MethodHandle view3d;
    private final MethodHandle cpy;
    private final MethodHandle transpose;
    private final MethodHandle permute;
    private final MethodHandle softMaxExt;
    private final MethodHandle cont2d;
    private final MethodHandle concat;
    private final MethodHandle silu;
    private final MethodHandle newGraphCustom;
    private final MethodHandle buildForwardExpand;
    private final MethodHandle setInput;
    private final MethodHandle setOutput;
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
    private final MethodHandle gallocrNew;
    private final MethodHandle gallocrAllocGraph;
    private final MethodHandle gallocrFree;
    private final MethodHandle threadpoolParamsInit;
    private final MethodHandle threadpoolNew;
    private final MethodHandle threadpoolFree;
    private final MethodHandle quantizeChunk;
    private final MethodHandle quantizeRequiresImatrix;
    private final MethodHandle repackBufferType;
    private final MethodHandle devCount;
    private final MethodHandle devGet;
    private final MethodHandle devName;
    private final MethodHandle devDescription;
    private final MethodHandle devType;
    private final MethodHandle devMemory;
    private final MethodHandle devInit;
    private final MethodHandle devBufferType;
    private final MethodHandle backendName;
    private final MethodHandle backendSupportsOp;
    private final MethodHandle buftIsHost;
    private final MethodHandle graphNNodes;
    private final MethodHandle graphNode;
    private final MethodHandle opDesc;
    private final MethodHandle allocCtxTensors;
    private final NativeBinding binding;

    GgmlApi(SymbolLookup lookup) {
        this.binding = new NativeBinding(lookup);
        // Heap arrays may be passed straight to these: they copy and return without calling back.
        Linker.Option heap = Linker.Option.critical(true);
        init = bind("ggml_init", FunctionDescriptor.of(ADDRESS, INIT_PARAMS));
        free = bind("ggml_free", FunctionDescriptor.ofVoid(ADDRESS));
        tensorOverhead = bind("ggml_tensor_overhead", FunctionDescriptor.of(JAVA_LONG));
        graphOverheadCustom = bind("ggml_graph_overhead_custom", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_BOOLEAN));
        newTensor1d = bind("ggml_new_tensor_1d", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG));
        newTensor2d = bind("ggml_new_tensor_2d", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG));
        newTensor3d = bind("ggml_new_tensor_3d",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        getRows = bind("ggml_get_rows", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        rmsNorm = bind("ggml_rms_norm", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT));
        mul = bind("ggml_mul", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        add = bind("ggml_add", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        mulMat = bind("ggml_mul_mat", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        reshape2d = bind("ggml_reshape_2d", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
        reshape3d = bind("ggml_reshape_3d",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        ropeExt = bind("ggml_rope_ext", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT));
        view2d = bind("ggml_view_2d",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        view3d = bind("ggml_view_3d", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        cpy = bind("ggml_cpy", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        transpose = bind("ggml_transpose", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        permute = bind("ggml_permute",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        softMaxExt = bind("ggml_soft_max_ext",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT, JAVA_FLOAT));
        cont2d = bind("ggml_cont_2d", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
        concat = bind("ggml_concat", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        silu = bind("ggml_silu", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        newGraphCustom = bind("ggml_new_graph_custom", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_BOOLEAN));
        buildForwardExpand = bind("ggml_build_forward_expand", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        setInput = bind("ggml_set_input", FunctionDescriptor.ofVoid(ADDRESS));
        setOutput = bind("ggml_set_output", FunctionDescriptor.ofVoid(ADDRESS));
        cpuInit = bind("ggml_backend_cpu_init", FunctionDescriptor.of(ADDRESS));
        cpuSetNThreads = bind("ggml_backend_cpu_set_n_threads", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        cpuSetThreadpool = bind("ggml_backend_cpu_set_threadpool", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        graphCompute = bind("ggml_backend_graph_compute", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        backendFree = bind("ggml_backend_free", FunctionDescriptor.ofVoid(ADDRESS));
        cpuBufferFromPtr = bind("ggml_backend_cpu_buffer_from_ptr", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
        cpuBufferType = bind("ggml_backend_cpu_buffer_type", FunctionDescriptor.of(ADDRESS));
        buftAllocBuffer = bind("ggml_backend_buft_alloc_buffer", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
        bufferFree = bind("ggml_backend_buffer_free", FunctionDescriptor.ofVoid(ADDRESS));
        bufferGetBase = bind("ggml_backend_buffer_get_base", FunctionDescriptor.of(ADDRESS, ADDRESS));
        bufferClear = bind("ggml_backend_buffer_clear", FunctionDescriptor.ofVoid(ADDRESS, JAVA_BYTE));
        // Declared void in b4916 (later builds return a status, which a void binding ignores safely).
        tensorAlloc = bind("ggml_backend_tensor_alloc", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        tensorSet = bind("ggml_backend_tensor_set",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG), heap);
        // A repacking buffer logs from set_tensor, and an upcall is not allowed inside a critical call.
        tensorSetMayLog = bind("ggml_backend_tensor_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
        tensorGet = bind("ggml_backend_tensor_get",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG), heap);
        gallocrNew = bind("ggml_gallocr_new", FunctionDescriptor.of(ADDRESS, ADDRESS));
        gallocrAllocGraph = bind("ggml_gallocr_alloc_graph", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS));
        gallocrFree = bind("ggml_gallocr_free", FunctionDescriptor.ofVoid(ADDRESS));
        threadpoolParamsInit = bind("ggml_threadpool_params_init", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        threadpoolNew = bind("ggml_threadpool_new", FunctionDescriptor.of(ADDRESS, ADDRESS));
        threadpoolFree = bind("ggml_threadpool_free", FunctionDescriptor.ofVoid(ADDRESS));
        quantizeChunk = bind("ggml_quantize_chunk", FunctionDescriptor.of(JAVA_LONG,
                JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS), heap);
        quantizeRequiresImatrix = bind("ggml_quantize_requires_imatrix", FunctionDescriptor.of(JAVA_BOOLEAN, JAVA_INT));
        // C++ linkage, so the mangled name: ggml_backend_buffer_type_t ggml_backend_cpu_aarch64_buffer_type(void).
        // It exists where ggml was built with GGML_CPU_AARCH64 (the repacked Q4_0 kernels); absent is fine.
        repackBufferType = lookup.find("_Z36ggml_backend_cpu_aarch64_buffer_typev")
                .map(s -> Linker.nativeLinker().downcallHandle(s, FunctionDescriptor.of(ADDRESS))).orElse(null);
        devCount = bind("ggml_backend_dev_count", FunctionDescriptor.of(JAVA_LONG));
        devGet = bind("ggml_backend_dev_get", FunctionDescriptor.of(ADDRESS, JAVA_LONG));
        devName = bind("ggml_backend_dev_name", FunctionDescriptor.of(ADDRESS, ADDRESS));
        devDescription = bind("ggml_backend_dev_description", FunctionDescriptor.of(ADDRESS, ADDRESS));
        devType = bind("ggml_backend_dev_type", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        devMemory = bind("ggml_backend_dev_memory", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        devInit = bind("ggml_backend_dev_init", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        devBufferType = bind("ggml_backend_dev_buffer_type", FunctionDescriptor.of(ADDRESS, ADDRESS));
        backendName = bind("ggml_backend_name", FunctionDescriptor.of(ADDRESS, ADDRESS));
        backendSupportsOp = bind("ggml_backend_supports_op", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS));
        buftIsHost = bind("ggml_backend_buft_is_host", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
        graphNNodes = bind("ggml_graph_n_nodes", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        graphNode = bind("ggml_graph_node", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        opDesc = bind("ggml_op_desc", FunctionDescriptor.of(ADDRESS, ADDRESS));
        allocCtxTensors = bind("ggml_backend_alloc_ctx_tensors_from_buft", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        long overhead = ggml_tensor_overhead();
        if (overhead != EXPECTED_TENSOR_OVERHEAD) {
            throw new LlamaCppException("the llama.cpp library's ggml_tensor is " + overhead
                    + " bytes with its header; exo's ggml binding is for " + EXPECTED_TENSOR_OVERHEAD
                    + " (llama.cpp build " + LlamaLibrary.EXPECTED_BUILD + ")");
        }
    }

    /** The library's ggml, bound once per process with the library. */
    static GgmlApi bundled() {
        if (Holder.FAILURE != null) {
            throw new LlamaCppException(Holder.FAILURE.getMessage(), Holder.FAILURE);
        }
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final GgmlApi INSTANCE;
        static final RuntimeException FAILURE;

        static {
            GgmlApi api = null;
            RuntimeException failure = null;
            try {
                api = new GgmlApi(LlamaLibrary.bundled().symbols());
            } catch (RuntimeException e) {
                failure = e;
            }
            INSTANCE = api;
            FAILURE = failure;
        }
    }

    /** A handle for {@code name} with the given signature, for functions bound only where used (dequantizers). */
    MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return binding.bind(name, descriptor, options);
    }

    // ---- ggml.h: contexts ----

    /** {@code struct ggml_context * ggml_init(struct ggml_init_params params);} NULL when out of memory. */
    MemorySegment ggml_init(long memSize, boolean noAlloc, SegmentAllocator scratch) {
        MemorySegment params = scratch.allocate(INIT_PARAMS);
        params.set(JAVA_LONG, 0, memSize);
        params.set(ADDRESS, 8, MemorySegment.NULL);
        params.set(JAVA_BOOLEAN, 16, noAlloc);
        try {
            return (MemorySegment) init.invokeExact(params);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_free(struct ggml_context * ctx);} */
    void ggml_free(MemorySegment ctx) {
        try {
            free.invokeExact(ctx);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code size_t ggml_tensor_overhead(void);} */
    long ggml_tensor_overhead() {
        try {
            return (long) tensorOverhead.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code size_t ggml_graph_overhead_custom(size_t size, bool grads);} */
    long ggml_graph_overhead_custom(long size, boolean grads) {
        try {
            return (long) graphOverheadCustom.invokeExact(size, grads);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- ggml.h: tensors and operations (each returns a new tensor in ctx) ----

    /** {@code struct ggml_tensor * ggml_new_tensor_1d(ctx, enum ggml_type type, int64_t ne0);} */
    MemorySegment ggml_new_tensor_1d(MemorySegment ctx, int type, long ne0) {
        try {
            return (MemorySegment) newTensor1d.invokeExact(ctx, type, ne0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_new_tensor_2d(ctx, type, int64_t ne0, int64_t ne1);} */
    MemorySegment ggml_new_tensor_2d(MemorySegment ctx, int type, long ne0, long ne1) {
        try {
            return (MemorySegment) newTensor2d.invokeExact(ctx, type, ne0, ne1);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_new_tensor_3d(ctx, type, int64_t ne0, int64_t ne1, int64_t ne2);} */
    MemorySegment ggml_new_tensor_3d(MemorySegment ctx, int type, long ne0, long ne1, long ne2) {
        try {
            return (MemorySegment) newTensor3d.invokeExact(ctx, type, ne0, ne1, ne2);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_get_rows(ctx, a, b);} rows b (I32) of a, dequantized to F32. */
    MemorySegment ggml_get_rows(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        try {
            return (MemorySegment) getRows.invokeExact(ctx, a, b);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_rms_norm(ctx, a, float eps);} per row of a. */
    MemorySegment ggml_rms_norm(MemorySegment ctx, MemorySegment a, float eps) {
        try {
            return (MemorySegment) rmsNorm.invokeExact(ctx, a, eps);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_mul(ctx, a, b);} elementwise, b broadcast over a's rows. */
    MemorySegment ggml_mul(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        try {
            return (MemorySegment) mul.invokeExact(ctx, a, b);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_add(ctx, a, b);} elementwise, b broadcast over a's rows. */
    MemorySegment ggml_add(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        try {
            return (MemorySegment) add.invokeExact(ctx, a, b);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_mul_mat(ctx, a, b);} a: [k, m], b: [k, n] -> [m, n] (a b^T in row-major terms). */
    MemorySegment ggml_mul_mat(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        try {
            return (MemorySegment) mulMat.invokeExact(ctx, a, b);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_reshape_2d(ctx, a, int64_t ne0, int64_t ne1);} a must be contiguous. */
    MemorySegment ggml_reshape_2d(MemorySegment ctx, MemorySegment a, long ne0, long ne1) {
        try {
            return (MemorySegment) reshape2d.invokeExact(ctx, a, ne0, ne1);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_reshape_3d(ctx, a, int64_t ne0, int64_t ne1, int64_t ne2);} */
    MemorySegment ggml_reshape_3d(MemorySegment ctx, MemorySegment a, long ne0, long ne1, long ne2) {
        try {
            return (MemorySegment) reshape3d.invokeExact(ctx, a, ne0, ne1, ne2);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code ggml_rope_ext(ctx, a, b, c, int n_dims, int mode, int n_ctx_orig, float freq_base,
     * float freq_scale, float ext_factor, float attn_factor, float beta_fast, float beta_slow);}
     * b: I32 positions, c: frequency factors or NULL.
     */
    MemorySegment ggml_rope_ext(MemorySegment ctx, MemorySegment a, MemorySegment positions, MemorySegment factors,
                                int nDims, int mode, int nCtxOrig, float freqBase, float freqScale,
                                float extFactor, float attnFactor, float betaFast, float betaSlow) {
        try {
            return (MemorySegment) ropeExt.invokeExact(ctx, a, positions, factors, nDims, mode, nCtxOrig,
                    freqBase, freqScale, extFactor, attnFactor, betaFast, betaSlow);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_view_2d(ctx, a, int64_t ne0, int64_t ne1, size_t nb1, size_t offset);} */
    MemorySegment ggml_view_2d(MemorySegment ctx, MemorySegment a, long ne0, long ne1, long nb1, long offset) {
        try {
            return (MemorySegment) view2d.invokeExact(ctx, a, ne0, ne1, nb1, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_view_3d(ctx, a, ne0, ne1, ne2, size_t nb1, size_t nb2, size_t offset);} */
    MemorySegment ggml_view_3d(MemorySegment ctx, MemorySegment a, long ne0, long ne1, long ne2, long nb1, long nb2,
                               long offset) {
        try {
            return (MemorySegment) view3d.invokeExact(ctx, a, ne0, ne1, ne2, nb1, nb2, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_concat(ctx, a, b, int dim);} a and b joined along dimension dim (a copy). */
    MemorySegment ggml_concat(MemorySegment ctx, MemorySegment a, MemorySegment b, int dim) {
        try {
            return (MemorySegment) concat.invokeExact(ctx, a, b, dim);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_cpy(ctx, a, b);} a converted into b's type and layout; returns a view of b. */
    MemorySegment ggml_cpy(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        try {
            return (MemorySegment) cpy.invokeExact(ctx, a, b);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_transpose(ctx, a);} a view with the first two dimensions swapped. */
    MemorySegment ggml_transpose(MemorySegment ctx, MemorySegment a) {
        try {
            return (MemorySegment) transpose.invokeExact(ctx, a);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_permute(ctx, a, int axis0, int axis1, int axis2, int axis3);} a view. */
    MemorySegment ggml_permute(MemorySegment ctx, MemorySegment a, int axis0, int axis1, int axis2, int axis3) {
        try {
            return (MemorySegment) permute.invokeExact(ctx, a, axis0, axis1, axis2, axis3);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_soft_max_ext(ctx, a, mask, float scale, float max_bias);} softmax(a * scale + mask) per row. */
    MemorySegment ggml_soft_max_ext(MemorySegment ctx, MemorySegment a, MemorySegment mask, float scale,
                                    float maxBias) {
        try {
            return (MemorySegment) softMaxExt.invokeExact(ctx, a, mask, scale, maxBias);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_cont_2d(ctx, a, int64_t ne0, int64_t ne1);} a made contiguous, reshaped. */
    MemorySegment ggml_cont_2d(MemorySegment ctx, MemorySegment a, long ne0, long ne1) {
        try {
            return (MemorySegment) cont2d.invokeExact(ctx, a, ne0, ne1);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_silu(ctx, a);} x * sigmoid(x). */
    MemorySegment ggml_silu(MemorySegment ctx, MemorySegment a) {
        try {
            return (MemorySegment) silu.invokeExact(ctx, a);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_set_input(struct ggml_tensor * tensor);} its memory is not reused before it is read. */
    void ggml_set_input(MemorySegment tensor) {
        try {
            setInput.invokeExact(tensor);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_set_output(struct ggml_tensor * tensor);} its memory is not reused after it is written. */
    void ggml_set_output(MemorySegment tensor) {
        try {
            setOutput.invokeExact(tensor);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- graphs ----

    /** {@code struct ggml_cgraph * ggml_new_graph_custom(ctx, size_t size, bool grads);} */
    MemorySegment ggml_new_graph_custom(MemorySegment ctx, long size, boolean grads) {
        try {
            return (MemorySegment) newGraphCustom.invokeExact(ctx, size, grads);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_build_forward_expand(struct ggml_cgraph * cgraph, struct ggml_tensor * tensor);} */
    void ggml_build_forward_expand(MemorySegment graph, MemorySegment tensor) {
        try {
            buildForwardExpand.invokeExact(graph, tensor);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- ggml-backend.h: devices ----

    /** {@code enum ggml_backend_dev_type} of b4916: CPU, GPU, ACCEL (an accelerator used beside the CPU, as BLAS). */
    static final int DEVICE_CPU = 0;
    static final int DEVICE_GPU = 1;

    /** {@code size_t ggml_backend_dev_count(void);} the devices of every backend built into the library. */
    long ggml_backend_dev_count() {
        try {
            return (long) devCount.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_backend_dev_t ggml_backend_dev_get(size_t index);} */
    MemorySegment ggml_backend_dev_get(long index) {
        try {
            return (MemorySegment) devGet.invokeExact(index);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code const char * ggml_backend_dev_name(ggml_backend_dev_t device);} */
    String ggml_backend_dev_name(MemorySegment device) {
        try {
            return cString((MemorySegment) devName.invokeExact(device));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code const char * ggml_backend_dev_description(ggml_backend_dev_t device);} */
    String ggml_backend_dev_description(MemorySegment device) {
        try {
            return cString((MemorySegment) devDescription.invokeExact(device));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code enum ggml_backend_dev_type ggml_backend_dev_type(ggml_backend_dev_t device);} */
    int ggml_backend_dev_type(MemorySegment device) {
        try {
            return (int) devType.invokeExact(device);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_backend_dev_memory(ggml_backend_dev_t device, size_t * free, size_t * total);} as {free, total}. */
    long[] ggml_backend_dev_memory(MemorySegment device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            devMemory.invokeExact(device, free, total);
            return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_backend_t ggml_backend_dev_init(ggml_backend_dev_t device, const char * params);} NULL on failure. */
    MemorySegment ggml_backend_dev_init(MemorySegment device) {
        try {
            return (MemorySegment) devInit.invokeExact(device, MemorySegment.NULL);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_backend_buffer_type_t ggml_backend_dev_buffer_type(ggml_backend_dev_t device);} */
    MemorySegment ggml_backend_dev_buffer_type(MemorySegment device) {
        try {
            return (MemorySegment) devBufferType.invokeExact(device);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code const char * ggml_backend_name(ggml_backend_t backend);} */
    String ggml_backend_name(MemorySegment backend) {
        try {
            return cString((MemorySegment) backendName.invokeExact(backend));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code bool ggml_backend_supports_op(ggml_backend_t backend, const struct ggml_tensor * op);} */
    boolean ggml_backend_supports_op(MemorySegment backend, MemorySegment op) {
        try {
            return (boolean) backendSupportsOp.invokeExact(backend, op);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code bool ggml_backend_buft_is_host(ggml_backend_buffer_type_t buft);} whether the CPU can address its memory. */
    boolean ggml_backend_buft_is_host(MemorySegment bufferType) {
        try {
            return (boolean) buftIsHost.invokeExact(bufferType);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code int ggml_graph_n_nodes(struct ggml_cgraph * cgraph);} */
    int ggml_graph_n_nodes(MemorySegment graph) {
        try {
            return (int) graphNNodes.invokeExact(graph);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code struct ggml_tensor * ggml_graph_node(struct ggml_cgraph * cgraph, int i);} */
    MemorySegment ggml_graph_node(MemorySegment graph, int i) {
        try {
            return (MemorySegment) graphNode.invokeExact(graph, i);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code const char * ggml_op_desc(const struct ggml_tensor * t);} the op's name, unary ops by their own. */
    String ggml_op_desc(MemorySegment tensor) {
        try {
            return cString((MemorySegment) opDesc.invokeExact(tensor));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code ggml_backend_buffer_t ggml_backend_alloc_ctx_tensors_from_buft(struct ggml_context * ctx,
     * ggml_backend_buffer_type_t buft);} one buffer for every tensor of {@code ctx}; NULL on failure.
     */
    MemorySegment ggml_backend_alloc_ctx_tensors_from_buft(MemorySegment context, MemorySegment bufferType) {
        try {
            return (MemorySegment) allocCtxTensors.invokeExact(context, bufferType);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static String cString(MemorySegment p) {
        return MemorySegment.NULL.equals(p) ? "" : p.reinterpret(4096).getString(0);
    }

    // ---- ggml-cpu.h and ggml-backend.h ----

    /** {@code ggml_backend_t ggml_backend_cpu_init(void);} */
    MemorySegment ggml_backend_cpu_init() {
        try {
            return (MemorySegment) cpuInit.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_backend_cpu_set_n_threads(ggml_backend_t backend_cpu, int n_threads);} */
    void ggml_backend_cpu_set_n_threads(MemorySegment backend, int threads) {
        try {
            cpuSetNThreads.invokeExact(backend, threads);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_backend_cpu_set_threadpool(ggml_backend_t backend_cpu, ggml_threadpool_t threadpool);} */
    void ggml_backend_cpu_set_threadpool(MemorySegment backend, MemorySegment threadpool) {
        try {
            cpuSetThreadpool.invokeExact(backend, threadpool);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code enum ggml_status ggml_backend_graph_compute(ggml_backend_t backend, struct ggml_cgraph * cgraph);} 0 = success. */
    int ggml_backend_graph_compute(MemorySegment backend, MemorySegment graph) {
        try {
            return (int) graphCompute.invokeExact(backend, graph);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_backend_free(ggml_backend_t backend);} */
    void ggml_backend_free(MemorySegment backend) {
        try {
            backendFree.invokeExact(backend);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_backend_buffer_t ggml_backend_cpu_buffer_from_ptr(void * ptr, size_t size);} memory exo owns, not copied. */
    MemorySegment ggml_backend_cpu_buffer_from_ptr(MemorySegment ptr, long size) {
        try {
            return (MemorySegment) cpuBufferFromPtr.invokeExact(ptr, size);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_backend_buffer_type_t ggml_backend_cpu_buffer_type(void);} */
    MemorySegment ggml_backend_cpu_buffer_type() {
        try {
            return (MemorySegment) cpuBufferType.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ggml_backend_buffer_t ggml_backend_buft_alloc_buffer(ggml_backend_buffer_type_t buft, size_t size);} NULL on failure. */
    MemorySegment ggml_backend_buft_alloc_buffer(MemorySegment buft, long size) {
        try {
            return (MemorySegment) buftAllocBuffer.invokeExact(buft, size);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_backend_buffer_free(ggml_backend_buffer_t buffer);} */
    void ggml_backend_buffer_free(MemorySegment buffer) {
        try {
            bufferFree.invokeExact(buffer);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void * ggml_backend_buffer_get_base(ggml_backend_buffer_t buffer);} */
    MemorySegment ggml_backend_buffer_get_base(MemorySegment buffer) {
        try {
            return (MemorySegment) bufferGetBase.invokeExact(buffer);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_backend_buffer_clear(ggml_backend_buffer_t buffer, uint8_t value);} */
    void ggml_backend_buffer_clear(MemorySegment buffer, byte value) {
        try {
            bufferClear.invokeExact(buffer, value);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_backend_tensor_alloc(ggml_backend_buffer_t buffer, struct ggml_tensor * tensor, void * addr);} */
    void ggml_backend_tensor_alloc(MemorySegment buffer, MemorySegment tensor, MemorySegment addr) {
        try {
            tensorAlloc.invokeExact(buffer, tensor, addr);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_backend_tensor_set(struct ggml_tensor * tensor, const void * data, size_t offset, size_t size);} */
    void ggml_backend_tensor_set(MemorySegment tensor, MemorySegment data, long offset, long size) {
        try {
            tensorSet.invokeExact(tensor, data, offset, size);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@link #ggml_backend_tensor_set} for native {@code data}, into a buffer that may log (a repacking one). */
    void ggml_backend_tensor_set_native(MemorySegment tensor, MemorySegment data, long offset, long size) {
        try {
            tensorSetMayLog.invokeExact(tensor, data, offset, size);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_backend_tensor_get(const struct ggml_tensor * tensor, void * data, size_t offset, size_t size);} */
    void ggml_backend_tensor_get(MemorySegment tensor, MemorySegment data, long offset, long size) {
        try {
            tensorGet.invokeExact(tensor, data, offset, size);
        } catch (Throwable t) {
            throw unexpected(t);
        }
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
        try {
            return (MemorySegment) repackBufferType.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- ggml-alloc.h ----

    /** {@code ggml_gallocr_t ggml_gallocr_new(ggml_backend_buffer_type_t buft);} */
    MemorySegment ggml_gallocr_new(MemorySegment buft) {
        try {
            return (MemorySegment) gallocrNew.invokeExact(buft);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code bool ggml_gallocr_alloc_graph(ggml_gallocr_t galloc, struct ggml_cgraph * graph);} grows its buffer as needed. */
    boolean ggml_gallocr_alloc_graph(MemorySegment galloc, MemorySegment graph) {
        try {
            return (boolean) gallocrAllocGraph.invokeExact(galloc, graph);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_gallocr_free(ggml_gallocr_t galloc);} */
    void ggml_gallocr_free(MemorySegment galloc) {
        try {
            gallocrFree.invokeExact(galloc);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- thread pools (ggml-cpu.h) ----

    /** {@code void ggml_threadpool_params_init(struct ggml_threadpool_params * p, int n_threads);} */
    void ggml_threadpool_params_init(MemorySegment params, int threads) {
        try {
            threadpoolParamsInit.invokeExact(params, threads);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code struct ggml_threadpool * ggml_threadpool_new(struct ggml_threadpool_params * params);} */
    MemorySegment ggml_threadpool_new(MemorySegment params) {
        try {
            return (MemorySegment) threadpoolNew.invokeExact(params);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code void ggml_threadpool_free(struct ggml_threadpool * threadpool);} */
    void ggml_threadpool_free(MemorySegment threadpool) {
        try {
            threadpoolFree.invokeExact(threadpool);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- quantization (ggml.h) ----

    /**
     * {@code size_t ggml_quantize_chunk(enum ggml_type type, const float * src, void * dst, int64_t start,
     * int64_t nrows, int64_t n_per_row, const float * imatrix);} bytes written.
     */
    long ggml_quantize_chunk(int type, MemorySegment src, MemorySegment dst, long start, long rows, long perRow) {
        try {
            return (long) quantizeChunk.invokeExact(type, src, dst, start, rows, perRow, MemorySegment.NULL);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code bool ggml_quantize_requires_imatrix(enum ggml_type type);} */
    boolean ggml_quantize_requires_imatrix(int type) {
        try {
            return (boolean) quantizeRequiresImatrix.invokeExact(type);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static RuntimeException unexpected(Throwable t) {
        return NativeBinding.unexpected(t);
    }
}
