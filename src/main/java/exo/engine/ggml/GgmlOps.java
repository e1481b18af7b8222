package exo.engine.ggml;

import exo.engine.llamacpp.NativeBinding;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

import static exo.engine.llamacpp.NativeBinding.call;
import static exo.engine.llamacpp.NativeBinding.run;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcalls into ggml.h: contexts, tensors, the operations a graph is built from, graphs, and
 * quantization (llama.cpp build b4916), one Java method per C function, named as in C; each
 * comment is the C declaration. {@code int64_t} and {@code size_t} are {@code long}, enums {@code
 * int}. No policy here: ggml aborts the process on a failed assertion, so callers validate before
 * they call. Bound once, with the library, by {@link GgmlApi}.
 */
public final class GgmlOps {
    /** {@code struct ggml_init_params { size_t mem_size; void * mem_buffer; bool no_alloc; }}, 24 bytes. */
    static final StructLayout INIT_PARAMS = MemoryLayout.structLayout(
            JAVA_LONG.withName("mem_size"),
            ADDRESS.withName("mem_buffer"),
            JAVA_BOOLEAN.withName("no_alloc"),
            MemoryLayout.paddingLayout(7));

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
    private final MethodHandle concat;
    private final MethodHandle cpy;
    private final MethodHandle transpose;
    private final MethodHandle permute;
    private final MethodHandle softMaxExt;
    private final MethodHandle cont2d;
    private final MethodHandle silu;
    private final MethodHandle mulMatId;
    private final MethodHandle argsort;
    private final MethodHandle topK;
    private final MethodHandle softMax;
    private final MethodHandle sigmoid;
    private final MethodHandle gelu;
    private final MethodHandle div;
    private final MethodHandle sub;
    private final MethodHandle sumRows;
    private final MethodHandle scale;
    private final MethodHandle cont;
    private final MethodHandle repeat;
    private final MethodHandle reshape4d;
    private final MethodHandle step;
    private final MethodHandle neg;
    private final MethodHandle clamp;
    private final MethodHandle setInput;
    private final MethodHandle setOutput;
    private final MethodHandle newGraphCustom;
    private final MethodHandle buildForwardExpand;
    private final MethodHandle graphNNodes;
    private final MethodHandle graphNode;
    private final MethodHandle opDesc;
    private final MethodHandle quantizeChunk;
    private final MethodHandle quantizeRequiresImatrix;

    GgmlOps(NativeBinding binding) {
        // Heap arrays may be passed straight to these: they copy and return without calling back.
        Linker.Option heap = Linker.Option.critical(true);
        init = binding.bind("ggml_init", FunctionDescriptor.of(ADDRESS, INIT_PARAMS));
        free = binding.bind("ggml_free", FunctionDescriptor.ofVoid(ADDRESS));
        tensorOverhead = binding.bind("ggml_tensor_overhead", FunctionDescriptor.of(JAVA_LONG));
        graphOverheadCustom = binding.bind("ggml_graph_overhead_custom", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_BOOLEAN));
        newTensor1d = binding.bind("ggml_new_tensor_1d", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG));
        newTensor2d = binding.bind("ggml_new_tensor_2d", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG));
        newTensor3d = binding.bind("ggml_new_tensor_3d",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        getRows = binding.bind("ggml_get_rows", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        rmsNorm = binding.bind("ggml_rms_norm", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT));
        mul = binding.bind("ggml_mul", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        add = binding.bind("ggml_add", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        mulMat = binding.bind("ggml_mul_mat", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        reshape2d = binding.bind("ggml_reshape_2d", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
        reshape3d = binding.bind("ggml_reshape_3d",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        ropeExt = binding.bind("ggml_rope_ext", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT));
        view2d = binding.bind("ggml_view_2d",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        view3d = binding.bind("ggml_view_3d", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        concat = binding.bind("ggml_concat", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        cpy = binding.bind("ggml_cpy", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        transpose = binding.bind("ggml_transpose", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        permute = binding.bind("ggml_permute",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        softMaxExt = binding.bind("ggml_soft_max_ext",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT, JAVA_FLOAT));
        cont2d = binding.bind("ggml_cont_2d", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
        silu = binding.bind("ggml_silu", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        mulMatId = binding.bind("ggml_mul_mat_id", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        argsort = binding.bind("ggml_argsort", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        topK = binding.bind("ggml_top_k", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        softMax = binding.bind("ggml_soft_max", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        sigmoid = binding.bind("ggml_sigmoid", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        gelu = binding.bind("ggml_gelu", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        div = binding.bind("ggml_div", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        sub = binding.bind("ggml_sub", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        sumRows = binding.bind("ggml_sum_rows", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        scale = binding.bind("ggml_scale", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT));
        cont = binding.bind("ggml_cont", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        repeat = binding.bind("ggml_repeat", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        reshape4d = binding.bind("ggml_reshape_4d",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        step = binding.bind("ggml_step", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        neg = binding.bind("ggml_neg", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        clamp = binding.bind("ggml_clamp", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT, JAVA_FLOAT));
        setInput = binding.bind("ggml_set_input", FunctionDescriptor.ofVoid(ADDRESS));
        setOutput = binding.bind("ggml_set_output", FunctionDescriptor.ofVoid(ADDRESS));
        newGraphCustom = binding.bind("ggml_new_graph_custom", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_BOOLEAN));
        buildForwardExpand = binding.bind("ggml_build_forward_expand", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        graphNNodes = binding.bind("ggml_graph_n_nodes", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        graphNode = binding.bind("ggml_graph_node", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        opDesc = binding.bind("ggml_op_desc", FunctionDescriptor.of(ADDRESS, ADDRESS));
        quantizeChunk = binding.bind("ggml_quantize_chunk", FunctionDescriptor.of(JAVA_LONG,
                JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS), heap);
        quantizeRequiresImatrix = binding.bind("ggml_quantize_requires_imatrix", FunctionDescriptor.of(JAVA_BOOLEAN, JAVA_INT));
    }

    /** {@code struct ggml_context * ggml_init(struct ggml_init_params params);} NULL when out of memory. */
    public MemorySegment ggml_init(long memSize, boolean noAlloc, SegmentAllocator scratch) {
        MemorySegment params = scratch.allocate(INIT_PARAMS);
        params.set(JAVA_LONG, 0, memSize);
        params.set(ADDRESS, 8, MemorySegment.NULL);
        params.set(JAVA_BOOLEAN, 16, noAlloc);
        return call(() -> (MemorySegment) init.invokeExact(params));
    }

    /** {@code void ggml_free(struct ggml_context * ctx);} */
    public void ggml_free(MemorySegment ctx) {
        run(() -> {
            free.invokeExact(ctx);
        });
    }

    /** {@code size_t ggml_tensor_overhead(void);} */
    public long ggml_tensor_overhead() {
        return (long) call(() -> (long) tensorOverhead.invokeExact());
    }

    /** {@code size_t ggml_graph_overhead_custom(size_t size, bool grads);} */
    public long ggml_graph_overhead_custom(long size, boolean grads) {
        return (long) call(() -> (long) graphOverheadCustom.invokeExact(size, grads));
    }

    /** {@code struct ggml_tensor * ggml_new_tensor_1d(ctx, enum ggml_type type, int64_t ne0);} */
    public MemorySegment ggml_new_tensor_1d(MemorySegment ctx, int type, long ne0) {
        return call(() -> (MemorySegment) newTensor1d.invokeExact(ctx, type, ne0));
    }

    /** {@code ggml_new_tensor_2d(ctx, type, int64_t ne0, int64_t ne1);} */
    public MemorySegment ggml_new_tensor_2d(MemorySegment ctx, int type, long ne0, long ne1) {
        return call(() -> (MemorySegment) newTensor2d.invokeExact(ctx, type, ne0, ne1));
    }

    /** {@code ggml_new_tensor_3d(ctx, type, int64_t ne0, int64_t ne1, int64_t ne2);} */
    public MemorySegment ggml_new_tensor_3d(MemorySegment ctx, int type, long ne0, long ne1, long ne2) {
        return call(() -> (MemorySegment) newTensor3d.invokeExact(ctx, type, ne0, ne1, ne2));
    }

    /** {@code ggml_get_rows(ctx, a, b);} rows b (I32) of a, dequantized to F32. */
    public MemorySegment ggml_get_rows(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        return call(() -> (MemorySegment) getRows.invokeExact(ctx, a, b));
    }

    /** {@code ggml_rms_norm(ctx, a, float eps);} per row of a. */
    public MemorySegment ggml_rms_norm(MemorySegment ctx, MemorySegment a, float eps) {
        return call(() -> (MemorySegment) rmsNorm.invokeExact(ctx, a, eps));
    }

    /** {@code ggml_mul(ctx, a, b);} elementwise, b broadcast over a's rows. */
    public MemorySegment ggml_mul(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        return call(() -> (MemorySegment) mul.invokeExact(ctx, a, b));
    }

    /** {@code ggml_add(ctx, a, b);} elementwise, b broadcast over a's rows. */
    public MemorySegment ggml_add(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        return call(() -> (MemorySegment) add.invokeExact(ctx, a, b));
    }

    /** {@code ggml_mul_mat(ctx, a, b);} a: [k, m], b: [k, n] -> [m, n] (a b^T in row-major terms). */
    public MemorySegment ggml_mul_mat(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        return call(() -> (MemorySegment) mulMat.invokeExact(ctx, a, b));
    }

    /** {@code ggml_reshape_2d(ctx, a, int64_t ne0, int64_t ne1);} a must be contiguous. */
    public MemorySegment ggml_reshape_2d(MemorySegment ctx, MemorySegment a, long ne0, long ne1) {
        return call(() -> (MemorySegment) reshape2d.invokeExact(ctx, a, ne0, ne1));
    }

    /** {@code ggml_reshape_3d(ctx, a, int64_t ne0, int64_t ne1, int64_t ne2);} */
    public MemorySegment ggml_reshape_3d(MemorySegment ctx, MemorySegment a, long ne0, long ne1, long ne2) {
        return call(() -> (MemorySegment) reshape3d.invokeExact(ctx, a, ne0, ne1, ne2));
    }

    /**
     * {@code ggml_rope_ext(ctx, a, b, c, int n_dims, int mode, int n_ctx_orig, float freq_base,
     * float freq_scale, float ext_factor, float attn_factor, float beta_fast, float beta_slow);}
     * b: I32 positions, c: frequency factors or NULL.
     */
    public MemorySegment ggml_rope_ext(MemorySegment ctx, MemorySegment a, MemorySegment positions, MemorySegment factors,
                                int nDims, int mode, int nCtxOrig, float freqBase, float freqScale,
                                float extFactor, float attnFactor, float betaFast, float betaSlow) {
        return call(() -> (MemorySegment) ropeExt.invokeExact(ctx, a, positions, factors, nDims, mode, nCtxOrig,
                    freqBase, freqScale, extFactor, attnFactor, betaFast, betaSlow));
    }

    /** {@code ggml_view_2d(ctx, a, int64_t ne0, int64_t ne1, size_t nb1, size_t offset);} */
    public MemorySegment ggml_view_2d(MemorySegment ctx, MemorySegment a, long ne0, long ne1, long nb1, long offset) {
        return call(() -> (MemorySegment) view2d.invokeExact(ctx, a, ne0, ne1, nb1, offset));
    }

    /** {@code ggml_view_3d(ctx, a, ne0, ne1, ne2, size_t nb1, size_t nb2, size_t offset);} */
    public MemorySegment ggml_view_3d(MemorySegment ctx, MemorySegment a, long ne0, long ne1, long ne2, long nb1, long nb2,
                               long offset) {
        return call(() -> (MemorySegment) view3d.invokeExact(ctx, a, ne0, ne1, ne2, nb1, nb2, offset));
    }

    /** {@code ggml_concat(ctx, a, b, int dim);} a and b joined along dimension dim (a copy). */
    public MemorySegment ggml_concat(MemorySegment ctx, MemorySegment a, MemorySegment b, int dim) {
        return call(() -> (MemorySegment) concat.invokeExact(ctx, a, b, dim));
    }

    /** {@code ggml_cpy(ctx, a, b);} a converted into b's type and layout; returns a view of b. */
    public MemorySegment ggml_cpy(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        return call(() -> (MemorySegment) cpy.invokeExact(ctx, a, b));
    }

    /** {@code ggml_transpose(ctx, a);} a view with the first two dimensions swapped. */
    public MemorySegment ggml_transpose(MemorySegment ctx, MemorySegment a) {
        return call(() -> (MemorySegment) transpose.invokeExact(ctx, a));
    }

    /** {@code ggml_permute(ctx, a, int axis0, int axis1, int axis2, int axis3);} a view. */
    public MemorySegment ggml_permute(MemorySegment ctx, MemorySegment a, int axis0, int axis1, int axis2, int axis3) {
        return call(() -> (MemorySegment) permute.invokeExact(ctx, a, axis0, axis1, axis2, axis3));
    }

    /** {@code ggml_soft_max_ext(ctx, a, mask, float scale, float max_bias);} softmax(a * scale + mask) per row. */
    public MemorySegment ggml_soft_max_ext(MemorySegment ctx, MemorySegment a, MemorySegment mask, float scale,
                                    float maxBias) {
        return call(() -> (MemorySegment) softMaxExt.invokeExact(ctx, a, mask, scale, maxBias));
    }

    /** {@code ggml_cont_2d(ctx, a, int64_t ne0, int64_t ne1);} a made contiguous, reshaped. */
    public MemorySegment ggml_cont_2d(MemorySegment ctx, MemorySegment a, long ne0, long ne1) {
        return call(() -> (MemorySegment) cont2d.invokeExact(ctx, a, ne0, ne1));
    }

    /** {@code ggml_silu(ctx, a);} x * sigmoid(x). */
    public MemorySegment ggml_silu(MemorySegment ctx, MemorySegment a) {
        return call(() -> (MemorySegment) silu.invokeExact(ctx, a));
    }

    /**
     * {@code ggml_mul_mat_id(ctx, as, b, ids);} as: [k, m, experts], b: [k, 1 or used, n], ids: I32 [used, n]
     * -> [m, used, n]: column (e, t) is expert ids[e, t]'s matrix times column (e % b.ne1, t) of b.
     */
    public MemorySegment ggml_mul_mat_id(MemorySegment ctx, MemorySegment as, MemorySegment b, MemorySegment ids) {
        return call(() -> (MemorySegment) mulMatId.invokeExact(ctx, as, b, ids));
    }

    /** {@code ggml_argsort(ctx, a, enum ggml_sort_order order);} per row, I32 indices; 0 ascending, 1 descending. */
    public MemorySegment ggml_argsort(MemorySegment ctx, MemorySegment a, int order) {
        return call(() -> (MemorySegment) argsort.invokeExact(ctx, a, order));
    }

    /** {@code ggml_top_k(ctx, a, int k);} a view of the first k of argsort(a, descending) per row. */
    public MemorySegment ggml_top_k(MemorySegment ctx, MemorySegment a, int k) {
        return call(() -> (MemorySegment) topK.invokeExact(ctx, a, k));
    }

    /** {@code ggml_soft_max(ctx, a);} per row, no scale, no mask. */
    public MemorySegment ggml_soft_max(MemorySegment ctx, MemorySegment a) {
        return call(() -> (MemorySegment) softMax.invokeExact(ctx, a));
    }

    /** {@code ggml_sigmoid(ctx, a);} 1 / (1 + exp(-x)). */
    public MemorySegment ggml_sigmoid(MemorySegment ctx, MemorySegment a) {
        return call(() -> (MemorySegment) sigmoid.invokeExact(ctx, a));
    }

    /** {@code ggml_gelu(ctx, a);} the tanh approximation (on the CPU through an F16 table). */
    public MemorySegment ggml_gelu(MemorySegment ctx, MemorySegment a) {
        return call(() -> (MemorySegment) gelu.invokeExact(ctx, a));
    }

    /** {@code ggml_div(ctx, a, b);} elementwise, b broadcast over a. */
    public MemorySegment ggml_div(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        return call(() -> (MemorySegment) div.invokeExact(ctx, a, b));
    }

    /** {@code ggml_sub(ctx, a, b);} elementwise, b broadcast over a. */
    public MemorySegment ggml_sub(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        return call(() -> (MemorySegment) sub.invokeExact(ctx, a, b));
    }

    /** {@code ggml_sum_rows(ctx, a);} [n, ...] -> [1, ...], each row summed in double. */
    public MemorySegment ggml_sum_rows(MemorySegment ctx, MemorySegment a) {
        return call(() -> (MemorySegment) sumRows.invokeExact(ctx, a));
    }

    /** {@code ggml_scale(ctx, a, float s);} */
    public MemorySegment ggml_scale(MemorySegment ctx, MemorySegment a, float s) {
        return call(() -> (MemorySegment) scale.invokeExact(ctx, a, s));
    }

    /** {@code ggml_cont(ctx, a);} a contiguous copy. */
    public MemorySegment ggml_cont(MemorySegment ctx, MemorySegment a) {
        return call(() -> (MemorySegment) cont.invokeExact(ctx, a));
    }

    /** {@code ggml_repeat(ctx, a, b);} a tiled to b's shape. */
    public MemorySegment ggml_repeat(MemorySegment ctx, MemorySegment a, MemorySegment b) {
        return call(() -> (MemorySegment) repeat.invokeExact(ctx, a, b));
    }

    /** {@code ggml_reshape_4d(ctx, a, ne0, ne1, ne2, ne3);} a must be contiguous. */
    public MemorySegment ggml_reshape_4d(MemorySegment ctx, MemorySegment a, long ne0, long ne1, long ne2, long ne3) {
        return call(() -> (MemorySegment) reshape4d.invokeExact(ctx, a, ne0, ne1, ne2, ne3));
    }

    /** {@code ggml_step(ctx, a);} 1 where x > 0, else 0. */
    public MemorySegment ggml_step(MemorySegment ctx, MemorySegment a) {
        return call(() -> (MemorySegment) step.invokeExact(ctx, a));
    }

    /** {@code ggml_neg(ctx, a);} */
    public MemorySegment ggml_neg(MemorySegment ctx, MemorySegment a) {
        return call(() -> (MemorySegment) neg.invokeExact(ctx, a));
    }

    /** {@code ggml_clamp(ctx, a, float min, float max);} */
    public MemorySegment ggml_clamp(MemorySegment ctx, MemorySegment a, float min, float max) {
        return call(() -> (MemorySegment) clamp.invokeExact(ctx, a, min, max));
    }

    /** {@code void ggml_set_input(struct ggml_tensor * tensor);} its memory is not reused before it is read. */
    public void ggml_set_input(MemorySegment tensor) {
        run(() -> {
            setInput.invokeExact(tensor);
        });
    }

    /** {@code void ggml_set_output(struct ggml_tensor * tensor);} its memory is not reused after it is written. */
    public void ggml_set_output(MemorySegment tensor) {
        run(() -> {
            setOutput.invokeExact(tensor);
        });
    }

    /** {@code struct ggml_cgraph * ggml_new_graph_custom(ctx, size_t size, bool grads);} */
    public MemorySegment ggml_new_graph_custom(MemorySegment ctx, long size, boolean grads) {
        return call(() -> (MemorySegment) newGraphCustom.invokeExact(ctx, size, grads));
    }

    /** {@code void ggml_build_forward_expand(struct ggml_cgraph * cgraph, struct ggml_tensor * tensor);} */
    public void ggml_build_forward_expand(MemorySegment graph, MemorySegment tensor) {
        run(() -> {
            buildForwardExpand.invokeExact(graph, tensor);
        });
    }

    /** {@code int ggml_graph_n_nodes(struct ggml_cgraph * cgraph);} */
    public int ggml_graph_n_nodes(MemorySegment graph) {
        return (int) call(() -> (int) graphNNodes.invokeExact(graph));
    }

    /** {@code struct ggml_tensor * ggml_graph_node(struct ggml_cgraph * cgraph, int i);} */
    public MemorySegment ggml_graph_node(MemorySegment graph, int i) {
        return call(() -> (MemorySegment) graphNode.invokeExact(graph, i));
    }

    /** {@code const char * ggml_op_desc(const struct ggml_tensor * t);} the op's name, unary ops by their own. */
    public String ggml_op_desc(MemorySegment tensor) {
        return call(() -> NativeBinding.cString((MemorySegment) opDesc.invokeExact(tensor)));
    }

    /**
     * {@code size_t ggml_quantize_chunk(enum ggml_type type, const float * src, void * dst, int64_t start,
     * int64_t nrows, int64_t n_per_row, const float * imatrix);} bytes written.
     */
    public long ggml_quantize_chunk(int type, MemorySegment src, MemorySegment dst, long start, long rows, long perRow) {
        return (long) call(() -> (long) quantizeChunk.invokeExact(type, src, dst, start, rows, perRow, MemorySegment.NULL));
    }

    /** {@code bool ggml_quantize_requires_imatrix(enum ggml_type type);} */
    public boolean ggml_quantize_requires_imatrix(int type) {
        return (boolean) call(() -> (boolean) quantizeRequiresImatrix.invokeExact(type));
    }
}
