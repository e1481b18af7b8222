package exo.engine.java;

/**
 * Keys and values of one session for a shard's layers: per layer, position-major rows of
 * kv_heads x head_dim floats. F32, so a shard split never changes a result. Grows by doubling
 * up to the context length rather than reserving it all for a short chat.
 */
final class KvCache {
    private final int kvDim;
    private final int maxPositions;
    private final float[][] keys;
    private final float[][] values;
    private int length;

    KvCache(int layers, int kvDim, int maxPositions) {
        this.kvDim = kvDim;
        this.maxPositions = maxPositions;
        this.keys = new float[layers][];
        this.values = new float[layers][];
        int initial = Math.min(maxPositions, 256);
        for (int l = 0; l < layers; l++) {
            keys[l] = new float[initial * kvDim];
            values[l] = new float[initial * kvDim];
        }
    }

    int length() {
        return length;
    }

    /** Makes room for positions up to {@code end} (exclusive). */
    void reserve(int end) {
        if (end > maxPositions) {
            throw new IllegalArgumentException("the session needs " + end + " positions; the context holds "
                    + maxPositions);
        }
        int capacity = keys[0].length / kvDim;
        if (end <= capacity) {
            return;
        }
        int grown = Math.min(maxPositions, Math.max(end, capacity * 2));
        for (int l = 0; l < keys.length; l++) {
            keys[l] = java.util.Arrays.copyOf(keys[l], grown * kvDim);
            values[l] = java.util.Arrays.copyOf(values[l], grown * kvDim);
        }
    }

    void setLength(int newLength) {
        length = newLength;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    long bytes() {
        return 2L * keys.length * keys[0].length * Float.BYTES;
    }
}
