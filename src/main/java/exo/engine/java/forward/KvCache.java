package exo.engine.java.forward;

/**
 * Keys and values of one session for a shard's layers: per layer, position-major rows of
 * {@code keyWidth} and {@code valueWidth} floats (0 when values are read from the keys, as a
 * cached latent is). F32, so a shard split never changes a result. Grows by doubling up to the
 * context length rather than reserving it all for a short chat.
 */
public final class KvCache {
    private final int keyWidth;
    private final int valueWidth;
    private final int maxPositions;
    private final float[][] keys;
    private final float[][] values;
    private int capacity;
    private int length;

    public KvCache(int layers, int keyWidth, int valueWidth, int maxPositions) {
        this.keyWidth = keyWidth;
        this.valueWidth = valueWidth;
        this.maxPositions = maxPositions;
        this.keys = new float[layers][];
        this.values = new float[layers][];
        this.capacity = Math.min(maxPositions, 256);
        for (int l = 0; l < layers; l++) {
            keys[l] = new float[capacity * keyWidth];
            values[l] = new float[capacity * valueWidth];
        }
    }

    public int length() {
        return length;
    }

    /** Makes room for positions up to {@code end} (exclusive). */
    public void reserve(int end) {
        if (end > maxPositions) {
            throw new IllegalArgumentException("the session needs " + end + " positions; the context holds "
                    + maxPositions);
        }
        if (end <= capacity) {
            return;
        }
        capacity = Math.min(maxPositions, Math.max(end, capacity * 2));
        for (int l = 0; l < keys.length; l++) {
            keys[l] = java.util.Arrays.copyOf(keys[l], capacity * keyWidth);
            values[l] = java.util.Arrays.copyOf(values[l], capacity * valueWidth);
        }
    }

    public void setLength(int newLength) {
        length = newLength;
    }

    public float[] keys(int layer) {
        return keys[layer];
    }

    public float[] values(int layer) {
        return values[layer];
    }

    public int keyWidth() {
        return keyWidth;
    }

    public int valueWidth() {
        return valueWidth;
    }
}
