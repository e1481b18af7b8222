package exo.topology;

/**
 * The dimensions of a decoder-only transformer that decide how much memory its parts take.
 * {@code headDim} is separate because some models (Qwen3) do not derive it from
 * embedding / heads.
 */
public record ModelShape(int layers, int embedding, int heads, int kvHeads, int headDim, int ffn, int vocab,
                         boolean tiedEmbeddings) {

    public ModelShape {
        if (layers < 1 || embedding < 1 || heads < 1 || kvHeads < 1 || headDim < 1 || ffn < 1 || vocab < 1) {
            throw new IllegalArgumentException("every model dimension must be positive");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kv heads (" + kvHeads + ")");
        }
    }

    /** Weights of one block: attention q, k, v, o, the gated feed-forward, two norms. */
    public long parametersPerLayer() {
        long q = (long) embedding * heads * headDim;
        long kv = 2L * embedding * kvHeads * headDim;
        long o = (long) heads * headDim * embedding;
        long ffnWeights = 3L * embedding * ffn;
        return q + kv + o + ffnWeights + 2L * embedding;
    }

    public long embeddingParameters() {
        return (long) vocab * embedding;
    }

    /** Output norm plus the output head (which is the embedding matrix when tied). */
    public long outputParameters() {
        return (long) vocab * embedding + embedding;
    }

    /**
     * The output head's work in blocks' worth, rounded: a tail multiplies every hidden state by
     * the vocab x embedding head once more, about four blocks of Llama 3.2 1B (128k x 2048
     * against 61M parameters a block). Looking a token's row up in the embedding is no work.
     */
    public int outputHeadLayers() {
        return (int) Math.round((double) outputParameters() / parametersPerLayer());
    }

    /** K and V for one token in one layer, in elements. */
    public long kvElementsPerTokenPerLayer() {
        return 2L * kvHeads * headDim;
    }
}
