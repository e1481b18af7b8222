package exo.engine;

import java.util.Objects;

/**
 * What flows through the ring: token ids into the head, hidden states between shards
 * ({@code count} tokens x {@code dim} floats, F32 row-major), logits out of the tail.
 */
public sealed interface Activations permits Activations.Tokens, Activations.Hidden, Activations.Logits {

    /** How many token positions these activations cover. */
    int count();

    record Tokens(int[] ids) implements Activations {
        public Tokens {
            Objects.requireNonNull(ids, "ids");
            if (ids.length == 0) {
                throw new IllegalArgumentException("no tokens to run");
            }
            ids = ids.clone();
        }

        @Override
        public int count() {
            return ids.length;
        }

        @Override
        public int[] ids() {
            return ids.clone();
        }

        public int id(int i) {
            return ids[i];
        }
    }

    record Hidden(float[] data, int count, int dim) implements Activations {
        public Hidden {
            Objects.requireNonNull(data, "data");
            if (count < 1 || dim < 1 || data.length != count * dim) {
                throw new IllegalArgumentException("hidden state of " + data.length + " floats is not " + count + " x " + dim);
            }
        }
    }

    /** Logits of the last {@code count} positions (usually just the last), {@code vocab} each. */
    record Logits(float[] data, int count, int vocab) implements Activations {
        public Logits {
            Objects.requireNonNull(data, "data");
            if (count < 1 || vocab < 1 || data.length != count * vocab) {
                throw new IllegalArgumentException("logits of " + data.length + " floats are not " + count + " x " + vocab);
            }
        }

        /** The logits of row {@code i} (0 = the first position returned). */
        public float[] row(int i) {
            return java.util.Arrays.copyOfRange(data, i * vocab, (i + 1) * vocab);
        }

        public float[] last() {
            return row(count - 1);
        }
    }
}
