package exo.engine.ggml;

import exo.engine.model.ModelConfig;
import exo.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Builds the ggml graph of one micro-batch through a shard's layers, op for op as llama.cpp
 * b4916 builds it for llama, mistral, qwen2 and qwen3 ({@code llm_build_llama},
 * {@code llm_build_qwen2/3}, {@code build_attn} without flash attention), so that a slice
 * computes what llama.cpp computes for those layers. Shapes in comments are ggml's
 * [ne0, ne1, ne2]: ne0 is the contiguous dimension.
 *
 * <p>One instance per forward pass: its ggml context holds only tensor headers; the graph
 * allocator places the intermediate tensors in the backend's reused compute buffer.
 */
final class ForwardGraph implements AutoCloseable {
    /** llama.cpp's GGML_KQ_MASK_PAD: the mask's rows are padded to a multiple of this. */
    static final int MASK_PAD = 64;
    /** llama_rope_type: LLAMA_ROPE_TYPE_NORM (adjacent pairs) and NEOX (halves). */
    private static final int ROPE_NORM = 0;
    private static final int ROPE_NEOX = 2;

    private final GgmlApi api;
    private final ModelConfig c;
    private final MemorySegment ctx;
    final MemorySegment graph;
    /** Inputs, set after allocation: token ids or hidden state, positions, the causal mask, output row ids. */
    MemorySegment tokens;
    MemorySegment hidden;
    MemorySegment positions;
    MemorySegment mask;
    /** A decode graph's masks, one per session. */
    MemorySegment[] masks;
    MemorySegment outputRows;
    /** The result: hidden state [dim, n] or logits [vocab, rows]. */
    MemorySegment result;

    ForwardGraph(GgmlApi api, ModelConfig c, int layers) {
        this(api, c, layers, 1);
    }

    /** A graph for {@code sessions} sessions side by side (each adds its own attention nodes). */
    ForwardGraph(GgmlApi api, ModelConfig c, int layers, int sessions) {
        this.api = api;
        this.c = c;
        long nodes = graphSize(layers, sessions);
        try (Arena arena = Arena.ofConfined()) {
            ctx = api.ops.ggml_init(nodes * api.ops.ggml_tensor_overhead() + api.ops.ggml_graph_overhead_custom(nodes, false),
                    true, arena);
        }
        if (MemorySegment.NULL.equals(ctx)) {
            throw new OutOfMemoryError("ggml_init failed for a graph");
        }
        graph = api.ops.ggml_new_graph_custom(ctx, nodes, false);
    }

    /**
     * Nodes a graph of {@code layers} blocks for {@code sessions} sessions may need: about 40 per
     * block and 20 more per further session, with room to spare.
     */
    static long graphSize(int layers, int sessions) {
        return Math.max(1024, (64L + 32L * (sessions - 1)) * layers + 256);
    }

    /**
     * The graph for {@code n} positions starting at {@code p0}, over the cache's first
     * {@code kvCells} cells.
     *
     * @param head       the shard holds the embedding: the input is token ids
     * @param tail       the shard holds the output head (and so the model's last block): the
     *                   result is logits
     * @param oneRow     only the last position's logits are wanted: on a tail, the last block's
     *                   output is pruned to that position, as llama.cpp prunes unused outputs
     */
    void build(GgmlWeights w, GgmlKvCache cache, int n, int p0, int kvCells, boolean head, boolean tail,
               boolean oneRow) {
        MemorySegment x = input(w, n, head);
        mask = input(api.ops.ggml_new_tensor_2d(ctx, GgmlType.F32.id(), kvCells, padMask(n)));
        boolean prune = tail && oneRow && n > 1;
        if (prune) {
            outputRows = input(api.ops.ggml_new_tensor_1d(ctx, GgmlType.I32.id(), 1));
        }
        Attention attention = (layer, q, k, v) -> attend(cache, layer, q, k, v, n, p0, kvCells, mask);
        for (int l = 0; l < w.layers.length; l++) {
            boolean last = l == w.layers.length - 1;
            x = block(w.layers[l], w.ropeFreqs, l, x, n, attention, last && prune);
        }
        finish(w, x, tail);
    }

    /**
     * One decode step of several sessions in one pass over the weights: column {@code b} of the
     * input is session {@code b}'s next position {@code positions[b]}, attending over the first
     * {@code kvCells[b]} cells of {@code caches[b]}. Every op but attention takes all columns at
     * once; ggml computes each column of a matrix product exactly as it would alone (the same
     * dot product in the same order), and attention runs per session on its own cache with the
     * ops of a single step, so each session's result has the bits of its step run alone.
     */
    void buildDecode(GgmlWeights w, GgmlKvCache[] caches, int[] positions, int[] kvCells, boolean head,
                     boolean tail) {
        int sessions = caches.length;
        MemorySegment x = input(w, sessions, head);
        masks = new MemorySegment[sessions];
        for (int b = 0; b < sessions; b++) {
            masks[b] = input(api.ops.ggml_new_tensor_2d(ctx, GgmlType.F32.id(), kvCells[b], padMask(1)));
        }
        int headDim = c.headDim();
        int kvDim = c.kvDim();
        Attention attention = (layer, q, k, v) -> {
            MemorySegment joined = null;
            for (int b = 0; b < sessions; b++) {
                MemorySegment qb = api.ops.ggml_view_3d(ctx, q, headDim, c.heads(), 1,
                        4L * headDim, 4L * c.qDim(), 4L * c.qDim() * b);
                MemorySegment kb = api.ops.ggml_view_3d(ctx, k, headDim, c.kvHeads(), 1,
                        4L * headDim, 4L * kvDim, 4L * kvDim * b);
                MemorySegment vb = api.ops.ggml_view_2d(ctx, v, kvDim, 1, 4L * kvDim, 4L * kvDim * b);
                MemorySegment out = attend(caches[b], layer, qb, kb, vb, 1, positions[b], kvCells[b], masks[b]);
                joined = joined == null ? out : api.ops.ggml_concat(ctx, joined, out, 1);   // [qDim, b + 1]
            }
            return joined;
        };
        for (int l = 0; l < w.layers.length; l++) {
            x = block(w.layers[l], w.ropeFreqs, l, x, sessions, attention, false);
        }
        finish(w, x, tail);
    }

    /** The input: token ids (a head holding the embedding) or a hidden state [dim, n]; and positions. */
    private MemorySegment input(GgmlWeights w, int n, boolean head) {
        MemorySegment x;
        if (head) {
            tokens = input(api.ops.ggml_new_tensor_1d(ctx, GgmlType.I32.id(), n));
            x = api.ops.ggml_get_rows(ctx, w.tokenEmbedding, tokens);                     // [dim, n]
        } else {
            hidden = input(api.ops.ggml_new_tensor_2d(ctx, GgmlType.F32.id(), c.dim(), n));
            x = hidden;
        }
        positions = input(api.ops.ggml_new_tensor_1d(ctx, GgmlType.I32.id(), n));
        return x;
    }

    /** A tail's output head, then the result. */
    private void finish(GgmlWeights w, MemorySegment x, boolean tail) {
        if (tail) {
            x = api.ops.ggml_mul(ctx, api.ops.ggml_rms_norm(ctx, x, c.normEps()), w.outputNorm);
            x = api.ops.ggml_mul_mat(ctx, w.output, x);                                      // [vocab, rows]
        }
        result = x;
        api.ops.ggml_set_output(result);
        api.ops.ggml_build_forward_expand(graph, result);
    }

    static int padMask(int n) {
        return (n + MASK_PAD - 1) / MASK_PAD * MASK_PAD;
    }

    /** Attention of one layer over roped q [headDim, heads, n], k [headDim, kvHeads, n] and v [kvDim, n]. */
    @FunctionalInterface
    private interface Attention {
        MemorySegment attend(int layer, MemorySegment q, MemorySegment k, MemorySegment v); // [qDim, n]
    }

    /**
     * One transformer block over {@code n} columns (positions of one session, or sessions side
     * by side); {@code pruneToLast} keeps only the last column after attention.
     */
    private MemorySegment block(GgmlWeights.Layer w, MemorySegment ropeFreqs, int layer, MemorySegment x, int n,
                                Attention attention, boolean pruneToLast) {
        int headDim = c.headDim();
        MemorySegment inpSA = x;

        // attention: x += Wo . attend(rope(Wq . norm(x)), rope(Wk . norm(x)), Wv . norm(x))
        MemorySegment cur = api.ops.ggml_mul(ctx, api.ops.ggml_rms_norm(ctx, x, c.normEps()), w.attnNorm());
        MemorySegment q = api.ops.ggml_mul_mat(ctx, w.wq(), cur);                           // [qDim, n]
        MemorySegment k = api.ops.ggml_mul_mat(ctx, w.wk(), cur);                           // [kvDim, n]
        MemorySegment v = api.ops.ggml_mul_mat(ctx, w.wv(), cur);                           // [kvDim, n]
        if (!MemorySegment.NULL.equals(w.bq())) {
            q = api.ops.ggml_add(ctx, q, w.bq());
            k = api.ops.ggml_add(ctx, k, w.bk());
            v = api.ops.ggml_add(ctx, v, w.bv());
        }
        q = api.ops.ggml_reshape_3d(ctx, q, headDim, c.heads(), n);                        // [headDim, heads, n]
        k = api.ops.ggml_reshape_3d(ctx, k, headDim, c.kvHeads(), n);                      // [headDim, kvHeads, n]
        if (!MemorySegment.NULL.equals(w.qNorm())) {
            q = api.ops.ggml_mul(ctx, api.ops.ggml_rms_norm(ctx, q, c.normEps()), w.qNorm());
            k = api.ops.ggml_mul(ctx, api.ops.ggml_rms_norm(ctx, k, c.normEps()), w.kNorm());
        }
        q = rope(q, ropeFreqs);
        k = rope(k, ropeFreqs);
        cur = attention.attend(layer, q, k, v);                                        // [qDim, n]
        cur = api.ops.ggml_mul_mat(ctx, w.wo(), cur);                                      // [dim, n]
        if (pruneToLast) {
            cur = api.ops.ggml_get_rows(ctx, cur, outputRows);                             // [dim, 1]
            inpSA = api.ops.ggml_get_rows(ctx, inpSA, outputRows);
        }
        MemorySegment ffnIn = api.ops.ggml_add(ctx, cur, inpSA);

        // feed-forward: x += Wdown . (silu(Wgate . norm(x)) * (Wup . norm(x)))
        cur = api.ops.ggml_mul(ctx, api.ops.ggml_rms_norm(ctx, ffnIn, c.normEps()), w.ffnNorm());
        MemorySegment up = api.ops.ggml_mul_mat(ctx, w.wUp(), cur);                        // [ffn, n]
        MemorySegment gate = api.ops.ggml_silu(ctx, api.ops.ggml_mul_mat(ctx, w.wGate(), cur));
        cur = api.ops.ggml_mul_mat(ctx, w.wDown(), api.ops.ggml_mul(ctx, gate, up));           // [dim, n]
        return api.ops.ggml_add(ctx, cur, ffnIn);
    }

    /**
     * One session's attention: stores this batch's K and V in its cache at [p0, p0 + n), then
     * softmax(K^T q / sqrt(headDim) + mask) V per head over the first {@code kvCells} cells;
     * query head h uses KV head h / group. Returns [qDim, n].
     */
    private MemorySegment attend(GgmlKvCache cache, int layer, MemorySegment q, MemorySegment k, MemorySegment v,
                                 int n, int p0, int kvCells, MemorySegment mask) {
        int headDim = c.headDim();
        int kvDim = c.kvDim();
        // Store before anything reads the cache: the graph runs in order.
        long kRow = cache.keyRowBytes();
        MemorySegment kSlot = api.ops.ggml_view_2d(ctx, cache.keys(layer), kvDim, n, kRow, p0 * kRow);
        api.ops.ggml_build_forward_expand(graph, api.ops.ggml_cpy(ctx, k, kSlot));
        long vRow = cache.valueRowBytes();
        MemorySegment vSlot = api.ops.ggml_view_2d(ctx, cache.values(layer), n, kvDim, vRow, p0 * 2L);
        MemorySegment vT = api.ops.ggml_transpose(ctx, api.ops.ggml_reshape_2d(ctx, v, kvDim, n)); // [n, kvDim]
        api.ops.ggml_build_forward_expand(graph, api.ops.ggml_cpy(ctx, vT, vSlot));

        MemorySegment qp = api.ops.ggml_permute(ctx, q, 0, 2, 1, 3);                       // [headDim, n, heads]
        MemorySegment keys = api.ops.ggml_view_3d(ctx, cache.keys(layer), headDim, kvCells, c.kvHeads(),
                kRow, (long) headDim * 2, 0);                                           // [headDim, cells, kvHeads]
        MemorySegment kq = api.ops.ggml_mul_mat(ctx, keys, qp);                            // [cells, n, heads]
        kq = api.ops.ggml_soft_max_ext(ctx, kq, mask, (float) (1.0 / Math.sqrt(headDim)), 0f);
        MemorySegment values = api.ops.ggml_view_3d(ctx, cache.values(layer), kvCells, headDim, c.kvHeads(),
                vRow, vRow * headDim, 0);                                               // [cells, headDim, kvHeads]
        MemorySegment kqv = api.ops.ggml_mul_mat(ctx, values, kq);                         // [headDim, n, heads]
        return api.ops.ggml_cont_2d(ctx, api.ops.ggml_permute(ctx, kqv, 0, 2, 1, 3), c.qDim(), n); // [qDim, n]
    }

    private MemorySegment rope(MemorySegment t, MemorySegment freqs) {
        // Without YaRN llama.cpp passes ext_factor 0, attn_factor 1, beta_fast 32, beta_slow 1.
        return api.ops.ggml_rope_ext(ctx, t, positions, freqs, c.ropeDim(), c.neoxRope() ? ROPE_NEOX : ROPE_NORM,
                c.contextLength(), c.ropeTheta(), c.ropeFreqScale(), 0f, 1f, 32f, 1f);
    }

    private MemorySegment input(MemorySegment t) {
        api.ops.ggml_set_input(t);
        return t;
    }

    @Override
    public void close() {
        api.ops.ggml_free(ctx);
    }
}
