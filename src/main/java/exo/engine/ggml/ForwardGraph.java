package exo.engine.ggml;

import exo.engine.ggml.graph.ArchitectureGraph;
import exo.engine.ggml.graph.BatchedAttention;
import exo.engine.ggml.graph.GraphBuilder;
import exo.engine.ggml.graph.KvAttention;
import exo.engine.ggml.graph.SessionAttention;
import exo.engine.model.ModelConfig;
import exo.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The ggml graph of one micro-batch through a shard's layers: its inputs (token ids, embedding
 * rows or a hidden state; positions; masks), the layers as the model's
 * {@link ArchitectureGraph} builds them, op for op as llama.cpp does, and a tail's output head,
 * so that a slice computes what llama.cpp computes for those layers.
 *
 * <p>One instance per forward pass: its ggml context holds only tensor headers; the graph
 * allocator places the intermediate tensors in the backend's reused compute buffer.
 */
final class ForwardGraph implements AutoCloseable {
    /** llama.cpp's GGML_KQ_MASK_PAD: the mask's rows are padded to a multiple of this. */
    static final int MASK_PAD = 64;

    /** What the first layer takes. */
    enum Input {
        /** Token ids, looked up in the embedding this graph holds. */
        TOKENS,
        /** Embedding rows looked up on the host (a head whose weights went to a GPU); still the model's input. */
        EMBEDDINGS,
        /** A previous shard's hidden state. */
        HIDDEN
    }

    private final GgmlApi api;
    private final ModelConfig c;
    private final ArchitectureGraph architecture;
    private final MemorySegment ctx;
    final MemorySegment graph;
    /** Inputs, set after allocation: token ids or hidden state, positions, masks, output row ids. */
    MemorySegment tokens;
    MemorySegment hidden;
    MemorySegment positions;
    /**
     * Per session (one for a prefill): the causal mask, and the sliding-window one; each null where
     * none of the graph's layers reads it (an input no op reads gets no memory).
     */
    final List<MemorySegment> masks = new ArrayList<>();
    final List<MemorySegment> slidingMasks = new ArrayList<>();
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
        this.architecture = ArchitectureGraph.of(c);
        long nodes = graphSize(c, layers, sessions);
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
     * Nodes a graph of {@code layers} blocks for {@code sessions} sessions may need, with room to
     * spare: about 60 per block, one add per chosen expert and a score per router column, and 30
     * more per further session.
     */
    static long graphSize(ModelConfig c, int layers, int sessions) {
        int experts = c.experts().map(e -> e.used() + 32 + 4 * sessions).orElse(0);
        return Math.max(1024, (96L + experts + 40L * (sessions - 1)) * layers + 256);
    }

    /**
     * The graph for {@code n} positions starting at {@code p0} of layers [first, first + w.layers),
     * over the cache's first {@code kvCells} cells.
     *
     * @param tail   the shard holds the output head (and so the model's last block): the result
     *               is logits
     * @param oneRow only the last position's logits are wanted: on a tail, the last block's
     *               output is pruned to that position, as llama.cpp prunes unused outputs
     */
    void build(GgmlWeights w, int first, GgmlKvCache cache, int n, int p0, int kvCells, Input input, boolean tail,
               boolean oneRow) {
        MemorySegment x = input(w, n, input);
        addMasks(first, w.layers.size(), kvCells, n);
        boolean prune = tail && oneRow && n > 1;
        if (prune) {
            outputRows = input(api.ops.ggml_new_tensor_1d(ctx, GgmlType.I32.id(), 1));
        }
        KvAttention attention = new SessionAttention(api.ops, ctx, graph, cache, first, n, p0, kvCells, masks.getFirst(),
                slidingMasks.getFirst());
        GraphBuilder g = new GraphBuilder(api.ops, ctx, graph, c, positions, w.ropeFreqs, attention, n, false,
                outputRows);
        for (int l = 0; l < w.layers.size(); l++) {
            boolean last = l == w.layers.size() - 1;
            x = architecture.layer(g, first + l, w.layers.get(l), x, last && prune);
        }
        finish(w, x, tail);
    }

    /**
     * One decode step of several sessions in one pass over the weights: column {@code b} of the
     * input is session {@code b}'s next position {@code positions[b]}, attending over the first
     * {@code kvCells[b]} cells of {@code caches[b]}. Every op but attention takes all columns at
     * once; ggml computes each column of a quantized matrix product, and every column of an
     * experts' product, exactly as it would alone, F32 routers are multiplied one column at a time,
     * and attention runs per session on its own cache with the ops of a single step, so each
     * session's result has the bits of its step run alone.
     */
    void buildDecode(GgmlWeights w, int first, GgmlKvCache[] caches, int[] positions, int[] kvCells, Input input,
                     boolean tail) {
        int sessions = caches.length;
        MemorySegment x = input(w, sessions, input);
        List<SessionAttention> each = new ArrayList<>();
        for (int b = 0; b < sessions; b++) {
            addMasks(first, w.layers.size(), kvCells[b], 1);
            each.add(new SessionAttention(api.ops, ctx, graph, caches[b], first, 1, positions[b], kvCells[b], masks.get(b),
                    slidingMasks.get(b)));
        }
        GraphBuilder g = new GraphBuilder(api.ops, ctx, graph, c, this.positions, w.ropeFreqs,
                new BatchedAttention(api.ops, ctx, each), sessions, true, null);
        for (int l = 0; l < w.layers.size(); l++) {
            x = architecture.layer(g, first + l, w.layers.get(l), x, false);
        }
        finish(w, x, tail);
    }

    /** The input: token ids, embedding rows or a hidden state [dim, n]; and positions. */
    private MemorySegment input(GgmlWeights w, int n, Input input) {
        MemorySegment x;
        if (input == Input.TOKENS) {
            tokens = input(api.ops.ggml_new_tensor_1d(ctx, GgmlType.I32.id(), n));
            x = api.ops.ggml_get_rows(ctx, w.tokenEmbedding, tokens);                       // [dim, n]
        } else {
            hidden = input(api.ops.ggml_new_tensor_2d(ctx, GgmlType.F32.id(), c.dim(), n));
            x = hidden;
        }
        positions = input(api.ops.ggml_new_tensor_1d(ctx, GgmlType.I32.id(), n));
        return input == Input.HIDDEN ? x : architecture.embed(new GraphBuilder(api.ops, ctx, graph, c, positions,
                null, null, n, false, null), x);
    }

    /** One session's masks over {@code kvCells} cells for {@code n} queries, those layers [first, first + count) read. */
    private void addMasks(int first, int count, int kvCells, int n) {
        boolean causal = false;
        boolean sliding = false;
        for (int l = first; l < first + count; l++) {
            sliding |= c.isSlidingLayer(l);
            causal |= !c.isSlidingLayer(l);
        }
        masks.add(causal ? input(api.ops.ggml_new_tensor_2d(ctx, GgmlType.F32.id(), kvCells, padMask(n))) : null);
        slidingMasks.add(sliding ? input(api.ops.ggml_new_tensor_2d(ctx, GgmlType.F32.id(), kvCells, padMask(n))) : null);
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

    private MemorySegment input(MemorySegment t) {
        api.ops.ggml_set_input(t);
        return t;
    }

    @Override
    public void close() {
        api.ops.ggml_free(ctx);
    }
}
