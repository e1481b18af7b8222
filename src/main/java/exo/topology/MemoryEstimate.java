package exo.topology;

/**
 * What one machine of a ring needs, in bytes: its layers' weights, the token embedding on the
 * head, the output norm and head on the tail (both on a single machine; a tied head is then
 * counted once), a KV cache for {@code contextTokens} tokens of its layers, and a fixed
 * {@link #OVERHEAD_BYTES} for the runtime (JVM, activations, buffers).
 */
public record MemoryEstimate(ModelShape shape, double bytesPerWeight, int contextTokens, int kvBytesPerElement) {

    /** Runtime overhead budgeted per machine: JVM heap for activations and I/O buffers. */
    public static final long OVERHEAD_BYTES = 256L << 20;

    /** The Java engine keeps K and V in F32 so that a split run is bit-identical to one machine. */
    public static final int KV_BYTES_F32 = 4;

    public MemoryEstimate {
        if (!(bytesPerWeight > 0) || contextTokens < 1 || kvBytesPerElement < 1) {
            throw new IllegalArgumentException("bytes per weight, context and KV element size must be positive");
        }
    }

    public long weightBytes(Shard shard) {
        double params = (double) shard.layerCount() * shape.parametersPerLayer();
        if (shard.isFirst()) {
            params += shape.embeddingParameters();
        }
        if (shard.isLast()) {
            params += shape.outputParameters();
            if (shard.isFirst() && shape.tiedEmbeddings()) {
                params -= shape.embeddingParameters();
            }
        }
        return Math.round(params * bytesPerWeight);
    }

    public long kvBytes(Shard shard) {
        return (long) shard.layerCount() * contextTokens * shape.kvElementsPerTokenPerLayer() * kvBytesPerElement;
    }

    public long requiredBytes(Shard shard) {
        return weightBytes(shard) + kvBytes(shard) + OVERHEAD_BYTES;
    }
}
