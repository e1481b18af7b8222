package exo.peer;

import exo.engine.Activations;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a {@link PeerMessage.Forward} carries into the next shard: token ids into the head,
 * or the hidden state between shards, already in its wire dtype. Keeping the hidden state as
 * wire bytes means a record decoded from the wire equals the record that was sent, whatever
 * the dtype, and a BF16/F16 hop holds half the memory while it is queued.
 */
public sealed interface Payload permits Payload.TokenIds, Payload.HiddenState {

    /** Token positions covered. */
    int count();

    /** Bytes of ids or values this payload puts on the wire, without the frame around them. */
    int valueBytes();

    /** The payload of {@code activations} (tokens or hidden state; logits never travel). */
    static Payload of(Activations activations, WireDtype dtype) {
        return switch (activations) {
            case Activations.Tokens t -> new TokenIds(t.ids());
            case Activations.Hidden h -> HiddenState.of(h, dtype);
            case Activations.Logits l -> throw new IllegalArgumentException("logits stay on the tail; they are not sent");
        };
    }

    /** What the receiving engine runs. */
    Activations toActivations();

    record TokenIds(int[] ids) implements Payload {
        public TokenIds {
            Objects.requireNonNull(ids, "ids");
            if (ids.length == 0) {
                throw new IllegalArgumentException("a forward needs at least one token");
            }
            for (int id : ids) {
                if (id < 0) {
                    throw new IllegalArgumentException("token id " + id + " is negative");
                }
            }
            ids = ids.clone();
        }

        @Override
        public int[] ids() {
            return ids.clone();
        }

        @Override
        public int count() {
            return ids.length;
        }

        @Override
        public int valueBytes() {
            return ids.length * Integer.BYTES;
        }

        @Override
        public Activations.Tokens toActivations() {
            return new Activations.Tokens(ids);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TokenIds t && Arrays.equals(ids, t.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return "TokenIds" + Arrays.toString(ids);
        }
    }

    /** {@code count} x {@code dim} values, row-major, as big-endian {@code dtype} bytes. */
    record HiddenState(WireDtype dtype, int count, int dim, byte[] data) implements Payload {
        public HiddenState {
            Objects.requireNonNull(dtype, "dtype");
            Objects.requireNonNull(data, "data");
            if (count < 1 || dim < 1) {
                throw new IllegalArgumentException("hidden state shape " + count + " x " + dim + " is empty");
            }
            long expected = (long) count * dim * dtype.bytesPerValue();
            if (data.length != expected) {
                throw new IllegalArgumentException("hidden state of " + data.length + " bytes is not " + count + " x "
                        + dim + " " + dtype + " (" + expected + " bytes)");
            }
            data = data.clone();
        }

        public static HiddenState of(Activations.Hidden hidden, WireDtype dtype) {
            return new HiddenState(dtype, hidden.count(), hidden.dim(), dtype.encode(hidden.data()));
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public int valueBytes() {
            return data.length;
        }

        /** The wire bytes without a copy, for the codec; read-only. */
        public ByteBuffer bytes() {
            return ByteBuffer.wrap(data).asReadOnlyBuffer();
        }

        @Override
        public Activations.Hidden toActivations() {
            return new Activations.Hidden(dtype.decode(data), count, dim);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof HiddenState h && dtype == h.dtype && count == h.count && dim == h.dim
                    && Arrays.equals(data, h.data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(dtype, count, dim) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "HiddenState[" + count + " x " + dim + " " + dtype + "]";
        }
    }
}
