package exo.engine.ggml.graph;

import exo.engine.ggml.GgmlOps;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Attention for a decode batch: column b of the graph is session b's next position, so each
 * column's query, key and value go through that session's own {@link SessionAttention} (the ops
 * of a single step, on its own cache), and the results are joined side by side again.
 */
public record BatchedAttention(GgmlOps ops, MemorySegment ctx, List<SessionAttention> sessions) implements KvAttention {

    @Override
    public MemorySegment attend(int layer, MemorySegment q, MemorySegment k, MemorySegment v, AttentionSpec s) {
        long qCol = 4L * s.keyDim() * s.heads();
        long kCol = 4L * s.keyDim() * s.kvHeads();
        long vCol = 4L * s.valueDim() * s.kvHeads();
        MemorySegment joined = null;
        for (int b = 0; b < sessions.size(); b++) {
            MemorySegment qb = ops.ggml_view_3d(ctx, q, s.keyDim(), s.heads(), 1, 4L * s.keyDim(), qCol, qCol * b);
            MemorySegment kb = ops.ggml_view_3d(ctx, k, s.keyDim(), s.kvHeads(), 1, 4L * s.keyDim(), kCol, kCol * b);
            MemorySegment vb = v == null ? null
                    : ops.ggml_view_2d(ctx, v, (long) s.valueDim() * s.kvHeads(), 1, vCol, vCol * b);
            MemorySegment out = sessions.get(b).attend(layer, qb, kb, vb, s);
            joined = joined == null ? out : ops.ggml_concat(ctx, joined, out, 1);               // [heads * outputDim, b + 1]
        }
        return joined;
    }
}
