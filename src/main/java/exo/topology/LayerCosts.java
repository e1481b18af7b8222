package exo.topology;

import java.util.Arrays;

/**
 * What each part of a model costs a machine, in one unit (bytes of memory, bytes read per
 * token, parameters): each layer, and what the head (the token embedding) and the tail (the
 * output norm and head) carry besides their layers. A ring is split so that each machine's
 * share of the total is in proportion to its memory ({@link RingMemoryWeighted}).
 */
public record LayerCosts(long[] layers, long head, long tail) {

    public LayerCosts {
        layers = layers.clone();
        if (layers.length < 1) {
            throw new IllegalArgumentException("a model has at least one layer");
        }
        long sum = 0;
        for (long c : layers) {
            if (c < 0) {
                throw new IllegalArgumentException("negative layer cost");
            }
            sum = Math.addExact(sum, c);
        }
        if (head < 0 || tail < 0 || Math.addExact(Math.addExact(sum, head), tail) <= 0) {
            throw new IllegalArgumentException("costs must be non-negative and not all zero");
        }
    }

    /** Every layer costing the same, nothing besides. */
    public static LayerCosts uniform(int layers) {
        long[] c = new long[layers];
        Arrays.fill(c, 1);
        return new LayerCosts(c, 0, 0);
    }

    @Override
    public long[] layers() {
        return layers.clone();
    }

    public int count() {
        return layers.length;
    }

    public long layer(int i) {
        return layers[i];
    }

    public long total() {
        long sum = head + tail;
        for (long c : layers) {
            sum += c;
        }
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerCosts c && Arrays.equals(layers, c.layers) && head == c.head && tail == c.tail;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(layers) * 31 + Long.hashCode(head) * 17 + Long.hashCode(tail);
    }

    @Override
    public String toString() {
        return "LayerCosts[" + layers.length + " layers, total " + total() + ", head " + head + ", tail " + tail + "]";
    }
}
