package exo.engine.java.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * Horizontal sums in a fixed order. {@code reduceLanes(ADD)} may add lanes in any order, and
 * does: the JIT's intrinsic sums as a tree while the interpreted fallback sums in sequence, so
 * one JVM gave different logits before and after warm-up. Summing lane by lane, in index
 * order, makes every result independent of JIT state, batching and machine, which is what lets
 * a ring of shards reproduce a single machine bit for bit.
 */
public final class Lanes {
    private Lanes() {
    }

    public static float sum(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }
}
