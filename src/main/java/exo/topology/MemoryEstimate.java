package exo.topology;

import java.util.Objects;

/**
 * What one machine of a ring needs, in bytes: its layers' weights as the tensor table sizes
 * them ({@link ModelBytes}: dense leading layers small, expert layers large), the token
 * embedding on the head, the output norm and head on the tail (both on a single machine; a
 * tied head is then counted once), a KV cache for {@code contextTokens} tokens of its layers,
 * and a fixed {@link #OVERHEAD_BYTES} for the runtime (JVM, activations, buffers).
 *
 * <p>The KV cache holds {@code kvElementsPerTokenPerLayer} values per token in every layer:
 * K and V heads for standard attention, the latent plus the rope key for latent attention
 * (kv_lora_rank + rope dims, not heads x head dims). Sliding-window layers are counted at full
 * length: exo's engines, as llama.cpp b4916, keep every layer's cache as long as the context
 * and mask what lies outside the window.
 */
public record MemoryEstimate(ModelBytes bytes, long kvElementsPerTokenPerLayer, int contextTokens,
                             int kvBytesPerElement) {

    /** Runtime overhead budgeted per machine: JVM heap for activations and I/O buffers. */
    public static final long OVERHEAD_BYTES = 256L << 20;

    /** The Java engine keeps K and V in F32 so that a split run is bit-identical to one machine. */
    public static final int KV_BYTES_F32 = 4;

    public MemoryEstimate {
        Objects.requireNonNull(bytes, "bytes");
        if (kvElementsPerTokenPerLayer < 1 || contextTokens < 1 || kvBytesPerElement < 1) {
            throw new IllegalArgumentException("KV width, context and KV element size must be positive");
        }
    }

    /** From the shape alone: every weight at the file's average bytes per weight. */
    public static MemoryEstimate of(ModelShape shape, double bytesPerWeight, int contextTokens, int kvBytesPerElement) {
        return new MemoryEstimate(ModelBytes.estimate(shape, bytesPerWeight), shape.kvElementsPerTokenPerLayer(),
                contextTokens, kvBytesPerElement);
    }

    public int layers() {
        return bytes.layers();
    }

    public long weightBytes(Shard shard) {
        return bytes.weightBytes(shard);
    }

    public long kvBytes(Shard shard) {
        return (long) shard.layerCount() * kvBytesPerLayer();
    }

    public long requiredBytes(Shard shard) {
        return weightBytes(shard) + kvBytes(shard) + OVERHEAD_BYTES;
    }

    /** The weight bytes {@code shard} reads per token (what decode speed depends on). */
    public long activeBytes(Shard shard) {
        return bytes.activeBytes(shard);
    }

    private long kvBytesPerLayer() {
        return Math.multiplyExact(Math.multiplyExact((long) contextTokens, kvElementsPerTokenPerLayer), kvBytesPerElement);
    }

    /** What each part takes in memory: a layer's weights and cache, the embedding, the output head. */
    public LayerCosts memoryCosts() {
        long[] c = new long[layers()];
        long kv = kvBytesPerLayer();
        for (int l = 0; l < c.length; l++) {
            c[l] = bytes.layer(l) + kv;
        }
        return new LayerCosts(c, bytes.embeddingBytes(), bytes.outputBytes());
    }

    /**
     * What each part costs per token: the bytes a layer reads (a mixture of experts reads only
     * the experts a token is routed to) and the output head the tail multiplies by; looking a
     * token's row up in the embedding is no work.
     */
    public LayerCosts workCosts() {
        long[] c = new long[layers()];
        for (int l = 0; l < c.length; l++) {
            c[l] = bytes.activeLayer(l);
        }
        return new LayerCosts(c, 0, bytes.outputBytes());
    }
}
