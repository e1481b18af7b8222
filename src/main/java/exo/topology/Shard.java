package exo.topology;

import java.util.Objects;

/**
 * Layers [start, end) of a model of {@code layers} layers. The shard starting at 0 also holds
 * the token embedding; the one ending at {@code layers} holds the output norm and head.
 */
public record Shard(String model, int start, int end, int layers) {

    public Shard {
        Objects.requireNonNull(model, "model");
        if (layers < 1) {
            throw new IllegalArgumentException("a model has at least one layer, not " + layers);
        }
        if (start < 0 || end > layers || start >= end) {
            throw new IllegalArgumentException(
                    "shard [" + start + ", " + end + ") is not a non-empty range of " + layers + " layers");
        }
    }

    public static Shard whole(String model, int layers) {
        return new Shard(model, 0, layers, layers);
    }

    public int layerCount() {
        return end - start;
    }

    public boolean isFirst() {
        return start == 0;
    }

    public boolean isLast() {
        return end == layers;
    }

    public boolean isWhole() {
        return isFirst() && isLast();
    }

    @Override
    public String toString() {
        return model + "[" + start + "," + end + ")/" + layers;
    }
}
