package exo.topology;

import exo.gguf.GgufTensorInfo;
import java.util.Arrays;
import java.util.List;

/**
 * What each part of a model takes, in bytes, from its tensor table: each layer's tensors
 * ({@code blk.N.*}), what one token reads of them (a mixture of experts reads
 * {@code used/count} of each routed-expert tensor, {@code ffn_*_exps}), the token embedding
 * (the head's), the output norm and head (the tail's; the embedding itself when the head is
 * tied to it), and what every shard loads ({@code rope_freqs}). Blocks at or past
 * {@code layers} (GLM's next-token-prediction layers) are in no shard and counted nowhere.
 *
 * @param layerBytes       bytes of each layer
 * @param activeLayerBytes bytes of each layer one token reads
 * @param embeddingBytes   the token embedding
 * @param outputBytes      the output norm and the output head (the embedding again when tied)
 * @param tiedOutput       the output head is the token embedding (one copy on a machine that is head and tail)
 * @param everyShardBytes  tensors every shard loads
 */
public record ModelBytes(long[] layerBytes, long[] activeLayerBytes, long embeddingBytes, long outputBytes,
                         boolean tiedOutput, long everyShardBytes) {

    public ModelBytes {
        layerBytes = layerBytes.clone();
        activeLayerBytes = activeLayerBytes.clone();
        if (layerBytes.length < 1 || layerBytes.length != activeLayerBytes.length) {
            throw new IllegalArgumentException("one size and one active size per layer, at least one layer");
        }
        for (int i = 0; i < layerBytes.length; i++) {
            if (activeLayerBytes[i] < 0 || activeLayerBytes[i] > layerBytes[i]) {
                throw new IllegalArgumentException("layer " + i + " reads " + activeLayerBytes[i] + " of its "
                        + layerBytes[i] + " bytes");
            }
        }
        if (embeddingBytes < 0 || outputBytes < 0 || everyShardBytes < 0) {
            throw new IllegalArgumentException("negative size");
        }
    }

    /**
     * The bytes of a tensor table (one file's, or every part's of a split file).
     *
     * @param layers      the layers a ring runs; blocks from there on are left out
     * @param experts     routed experts per MoE layer (0 for a dense model)
     * @param expertsUsed experts each token is routed to
     */
    public static ModelBytes of(List<GgufTensorInfo> tensors, int layers, int experts, int expertsUsed) {
        if (layers < 1 || experts < 0 || expertsUsed < 0 || expertsUsed > experts) {
            throw new IllegalArgumentException("bad layer or expert counts: " + layers + ", " + expertsUsed + "/" + experts);
        }
        long[] bytes = new long[layers];
        long[] active = new long[layers];
        long embedding = 0;
        long output = 0;
        long every = 0;
        boolean hasOutput = false;
        for (GgufTensorInfo t : tensors) {
            String name = t.name();
            long size = t.byteSize();
            int block = GgufTensorInfo.blockOf(name);
            if (block >= 0) {
                if (block < layers) {
                    bytes[block] += size;
                    boolean routed = experts > 0 && name.contains("_exps.");
                    // Expert e is a contiguous slice of an [in, out, experts] tensor; a token reads used of them.
                    active[block] += routed ? size / experts * expertsUsed : size;
                }
                continue;
            }
            switch (name) {
                case "token_embd.weight" -> embedding += size;
                case "output.weight" -> {
                    output += size;
                    hasOutput = true;
                }
                case "output_norm.weight", "output_norm.bias" -> output += size;
                case "rope_freqs.weight" -> every += size;
                default -> {
                    // not loaded by a slice (e.g. multimodal projectors in a text file)
                }
            }
        }
        return new ModelBytes(bytes, active, embedding, hasOutput ? output : output + embedding, !hasOutput, every);
    }

    /**
     * An estimate from the shape alone where no tensor table is known: parameters times the
     * file's average bytes per weight.
     */
    public static ModelBytes estimate(ModelShape shape, double bytesPerWeight) {
        if (!(bytesPerWeight > 0)) {
            throw new IllegalArgumentException("bytes per weight must be positive");
        }
        long[] bytes = new long[shape.layers()];
        long[] active = new long[shape.layers()];
        for (int l = 0; l < shape.layers(); l++) {
            bytes[l] = Math.round(shape.layerParameters(l) * bytesPerWeight);
            active[l] = Math.round(shape.activeLayerParameters(l) * bytesPerWeight);
        }
        long embedding = Math.round(shape.embeddingParameters() * bytesPerWeight);
        long output = Math.round(shape.outputParameters() * bytesPerWeight);
        return new ModelBytes(bytes, active, embedding, output, shape.tiedEmbeddings(), 0);
    }

    public int layers() {
        return layerBytes.length;
    }

    @Override
    public long[] layerBytes() {
        return layerBytes.clone();
    }

    @Override
    public long[] activeLayerBytes() {
        return activeLayerBytes.clone();
    }

    public long layer(int i) {
        return layerBytes[i];
    }

    public long activeLayer(int i) {
        return activeLayerBytes[i];
    }

    /** The weights a machine holding {@code shard} loads. */
    public long weightBytes(Shard shard) {
        check(shard);
        long sum = everyShardBytes;
        for (int l = shard.start(); l < shard.end(); l++) {
            sum += layerBytes[l];
        }
        if (shard.isFirst()) {
            sum += embeddingBytes;
        }
        if (shard.isLast()) {
            sum += outputBytes;
            if (shard.isFirst() && tiedOutput) {
                sum -= embeddingBytes; // one matrix serves both
            }
        }
        return sum;
    }

    /**
     * The weight bytes a machine holding {@code shard} reads per token: its layers' active
     * bytes and, on the tail, the output head; the head reads one row of the embedding.
     */
    public long activeBytes(Shard shard) {
        check(shard);
        long sum = 0;
        for (int l = shard.start(); l < shard.end(); l++) {
            sum += activeLayerBytes[l];
        }
        return shard.isLast() ? sum + outputBytes : sum;
    }

    /** The whole model's weights (a tied head counted once). */
    public long totalBytes() {
        return weightBytes(Shard.whole("m", layers()));
    }

    /** Bytes read per token over the whole ring. */
    public long totalActiveBytes() {
        return activeBytes(Shard.whole("m", layers()));
    }

    private void check(Shard shard) {
        if (shard.layers() != layerBytes.length) {
            throw new IllegalArgumentException("shard " + shard + " is not of this model's " + layerBytes.length
                    + " layers");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelBytes m && Arrays.equals(layerBytes, m.layerBytes)
                && Arrays.equals(activeLayerBytes, m.activeLayerBytes) && embeddingBytes == m.embeddingBytes
                && outputBytes == m.outputBytes && tiedOutput == m.tiedOutput && everyShardBytes == m.everyShardBytes;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(layerBytes) * 31 + Long.hashCode(embeddingBytes + outputBytes);
    }

    @Override
    public String toString() {
        return "ModelBytes[" + layerBytes.length + " layers, " + totalBytes() + " bytes, " + totalActiveBytes()
                + " read per token]";
    }
}
