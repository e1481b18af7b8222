package exo.engine.java.forward;

/**
 * Causal attention of a pass's rows over a session's cache: per query row t (position p0 + t)
 * and head h, softmax(q . k / scale) over the positions it sees (all before it, or the last
 * {@code window} of them) weighs the values; query head h reads KV head h / (heads / kvHeads).
 * Keys and values are rows of the cache (values may be the leading part of the key rows, for a
 * cached latent). One task per (row, head), each summed in a fixed order, so results do not
 * depend on threads or batching.
 *
 * @param keyStride    floats from one position's key row to the next
 * @param valueStride  floats from one position's value row to the next
 */
record CachedAttention(int heads, int kvHeads, int keyDim, int valueDim, float[] keys, int keyStride, float[] values,
                       int valueStride, float scale, int window) {

    /** out [rows x heads * valueDim] from q [rows x heads * keyDim]. */
    float[] attend(ForwardPass f, float[] q) {
        int rows = f.rows();
        int p0 = f.p0();
        int group = heads / kvHeads;
        float[] out = new float[rows * heads * valueDim];
        int tasks = rows * heads;
        f.pool().forRange(tasks, Math.max(1, tasks / (f.pool().threads() * 4)), (start, end) -> {
            float[] scores = new float[p0 + rows];
            for (int task = start; task < end; task++) {
                int t = task / heads;
                int h = task % heads;
                int qOff = (t * heads + h) * keyDim;
                int oOff = (t * heads + h) * valueDim;
                int kv = h / group;
                int last = p0 + t;
                int from = (int) Math.max(0, (long) last - window + 1);
                for (int pos = from; pos <= last; pos++) {
                    scores[pos - from] = VectorOps.dot(q, qOff, keys, pos * keyStride + kv * keyDim, keyDim) * scale;
                }
                int len = last - from + 1;
                VectorOps.softmax(scores, len);
                for (int pos = from; pos <= last; pos++) {
                    VectorOps.axpy(scores[pos - from], values, pos * valueStride + kv * valueDim, out, oOff, valueDim);
                }
            }
        });
        return out;
    }
}
