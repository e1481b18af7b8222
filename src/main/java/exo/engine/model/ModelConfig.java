package exo.engine.model;

import exo.gguf.GgufFormatException;
import exo.gguf.GgufMetadata;
import java.util.Locale;
import java.util.Optional;

/**
 * What a decoder-only transformer computes, read from GGUF metadata with llama.cpp's defaults
 * for missing keys: the shapes every layer shares, and per layer what kind it is (dense or
 * mixture-of-experts feed-forward, full or sliding-window attention, which rotation).
 *
 * @param layers          the transformer blocks a ring splits (a GLM file's extra next-token
 *                        prediction block is not among them)
 * @param kvHeads         KV heads of grouped-query attention (1 for latent attention's layout
 *                        that caches the latent)
 * @param headDim         a head's query and key width
 * @param valueDim        a head's value width
 * @param ffn             width of the dense feed-forward layers (Mixtral has none: its expert width)
 * @param attentionScale  the factor on q.k before the softmax
 * @param embeddingScale  the factor on the token embeddings (Gemma's sqrt(dim)); 1 for none
 */
public record ModelConfig(Architecture architecture, int dim, int layers, int heads, int kvHeads, int headDim,
                          int valueDim, int ffn, int vocab, int contextLength, float normEps, RopeConfig rope,
                          float attentionScale, float embeddingScale, Optional<ExpertConfig> experts,
                          Optional<LatentConfig> latent, Optional<SlidingWindow> slidingWindow) {

    static final int MAX_LAYERS = 4096;
    static final int MAX_WIDTH = 1 << 17;

    public ModelConfig {
        if (architecture == null || rope == null || experts == null || latent == null || slidingWindow == null) {
            throw new IllegalArgumentException("a model config needs its architecture, rope and feature descriptions");
        }
        if (dim < 1 || layers < 1 || heads < 1 || kvHeads < 1 || headDim < 1 || valueDim < 1 || ffn < 1 || vocab < 1
                || contextLength < 1) {
            throw new GgufFormatException("model dimensions must be positive");
        }
        if (heads % kvHeads != 0) {
            throw new GgufFormatException("head count " + heads + " is not a multiple of KV heads " + kvHeads);
        }
        // The largest published models have about 130 blocks and 64k-wide states; far beyond is damage.
        if (layers > MAX_LAYERS || dim > MAX_WIDTH || ffn > MAX_WIDTH * 8 || (long) heads * headDim > MAX_WIDTH * 4L) {
            throw new GgufFormatException("model dimensions (" + layers + " blocks, width " + dim + ", ffn " + ffn
                    + ", " + heads + " heads of " + headDim + ") are beyond any model; the file is damaged");
        }
        if (!(normEps > 0) || Float.isInfinite(normEps)) {
            throw new GgufFormatException("the RMS norm epsilon " + normEps + " is not a positive number");
        }
        if (!(attentionScale > 0) || Float.isInfinite(attentionScale) || !(embeddingScale > 0)
                || Float.isInfinite(embeddingScale)) {
            throw new GgufFormatException("attention scale " + attentionScale + " or embedding scale "
                    + embeddingScale + " is not a positive number");
        }
        int rotated = latent.map(LatentConfig::ropeDim).orElse(headDim);
        if (rope.dims() > rotated) {
            throw new GgufFormatException("rope dimension " + rope.dims() + " does not fit heads of " + rotated);
        }
        if (latent.isEmpty() && valueDim != headDim) {
            throw new GgufFormatException("key width " + headDim + " and value width " + valueDim
                    + " differ; only latent attention has such heads");
        }
        if (experts.isPresent() && experts.get().denseLead() > layers) {
            throw new GgufFormatException(experts.get().denseLead() + " leading dense layers in a model of " + layers);
        }
    }

    /**
     * The model {@code m} describes.
     *
     * @throws UnsupportedModelException for an architecture or feature exo does not run
     * @throws GgufFormatException       for missing or impossible values
     */
    public static ModelConfig from(GgufMetadata m) {
        return new ConfigReader(m).read();
    }

    /** Query width of all heads. */
    public int qDim() {
        return heads * headDim;
    }

    /** Key width of all KV heads (grouped-query attention). */
    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Elements of one position's keys in one layer's cache (for the compressed latent layout: latent + roped key). */
    public int keyCacheWidth() {
        return latent.filter(LatentConfig::split).map(l -> l.kvRank() + l.ropeDim()).orElse(kvHeads * headDim);
    }

    /** Elements of one position's values in one layer's cache; 0 when values are read from the keys' latent. */
    public int valueCacheWidth() {
        return latent.filter(LatentConfig::split).isPresent() ? 0 : kvHeads * valueDim;
    }

    /** Whether layer {@code layer}'s feed-forward is a mixture of experts. */
    public boolean isMoeLayer(int layer) {
        return experts.isPresent() && layer >= experts.get().denseLead();
    }

    /** Whether layer {@code layer} attends through a sliding window. */
    public boolean isSlidingLayer(int layer) {
        return slidingWindow.isPresent() && slidingWindow.get().appliesTo(layer);
    }

    /** The rotation layer {@code layer} applies (Gemma's local layers have their own base). */
    public RopeConfig ropeFor(int layer) {
        return isSlidingLayer(layer)
                ? rope.withBase(slidingWindow.get().ropeBase(), slidingWindow.get().ropeFreqScale()) : rope;
    }

    /**
     * The dimensions a plan needs. A mixture of experts is counted as a dense feed-forward as
     * wide as all its experts together (its weights), until plans describe experts themselves.
     */
    public exo.topology.ModelShape shape() {
        int width = experts.map(e -> Math.max(ffn, e.count() * e.ffn() + e.sharedFfn())).orElse(ffn);
        return new exo.topology.ModelShape(layers, dim, heads, kvHeads, headDim, width, vocab, false);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s dim=%d layers=%d heads=%d/%d head_dim=%d ffn=%d vocab=%d ctx=%d%s",
                architecture, dim, layers, heads, kvHeads, headDim, ffn, vocab, contextLength,
                experts.map(e -> " experts=" + e.used() + "/" + e.count()).orElse(""));
    }
}
