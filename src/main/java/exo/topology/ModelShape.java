package exo.topology;

import java.util.Objects;

/**
 * The dimensions of a decoder-only transformer that decide how much memory its parts take.
 * {@code headDim} is separate because some models (Qwen3) do not derive it from
 * embedding / heads; with latent attention it is the query/key head (nope + rope dims).
 *
 * <p>Beyond the dense shape: {@link Experts} (mixture-of-experts feed-forward from layer
 * {@code denseLead} on), {@link LatentAttention} (DeepSeek's multi-head latent attention) and a
 * {@link SlidingWindow} (Gemma 3's local layers); {@code nextnLayers} are next-token-prediction
 * blocks some files carry after the last layer (GLM-4.5), which no ring runs. Each part is
 * {@code NONE} when the model lacks it.
 *
 * <p>The counts here follow the GGUF tensors' shapes but leave out what is too small to matter
 * for a plan (biases, per-head norms, the expert bias vector); {@code exo.models.TensorLayout}
 * lists every tensor exactly.
 */
public record ModelShape(int layers, int embedding, int heads, int kvHeads, int headDim, int ffn, int vocab,
                         boolean tiedEmbeddings, Experts experts, LatentAttention latent, SlidingWindow window,
                         int nextnLayers) {

    /**
     * A mixture-of-experts feed-forward: {@code count} routed experts of width {@code ffn}, of
     * which {@code used} run per token, plus shared experts (always run) of total width
     * {@code sharedFfn}; the first {@code denseLead} layers have a dense feed-forward instead.
     */
    public record Experts(int count, int used, int ffn, int shared, int sharedFfn, int denseLead) {
        public static final Experts NONE = new Experts(0, 0, 0, 0, 0, 0);

        public Experts {
            if (count == 0) {
                if (used != 0 || ffn != 0 || shared != 0 || sharedFfn != 0 || denseLead != 0) {
                    throw new IllegalArgumentException("expert fields without experts");
                }
            } else {
                if (count < 2 || used < 1 || used > count) {
                    throw new IllegalArgumentException("experts used (" + used + ") must be between 1 and the "
                            + count + " experts");
                }
                if (ffn < 1 || shared < 0 || sharedFfn < 0 || denseLead < 0) {
                    throw new IllegalArgumentException("expert widths and counts must be positive");
                }
                if ((shared == 0) != (sharedFfn == 0)) {
                    throw new IllegalArgumentException("shared experts need a width, and a width needs shared experts");
                }
            }
        }

        public boolean present() {
            return count > 0;
        }
    }

    /**
     * Multi-head latent attention: queries through a rank-{@code qLoraRank} bottleneck (0: a
     * plain projection, as DeepSeek-V2-Lite), keys and values from a rank-{@code kvLoraRank}
     * latent, heads of {@code nopeDim} + {@code ropeDim} (query/key) and {@code valueDim}.
     */
    public record LatentAttention(int qLoraRank, int kvLoraRank, int ropeDim, int nopeDim, int valueDim) {
        public static final LatentAttention NONE = new LatentAttention(0, 0, 0, 0, 0);

        public LatentAttention {
            if (kvLoraRank == 0) {
                if (qLoraRank != 0 || ropeDim != 0 || nopeDim != 0 || valueDim != 0) {
                    throw new IllegalArgumentException("latent attention fields without a kv latent rank");
                }
            } else if (kvLoraRank < 1 || qLoraRank < 0 || ropeDim < 1 || nopeDim < 1 || valueDim < 1) {
                throw new IllegalArgumentException("latent ranks and head dims must be positive");
            }
        }

        public boolean present() {
            return kvLoraRank > 0;
        }

        /**
         * K/V cache values per token per layer: the compressed latent and the shared rope key,
         * with V read as a view of the latent (llama.cpp's MLA cache, as exo's engines keep it).
         */
        public int cacheWidth() {
            return kvLoraRank + ropeDim;
        }
    }

    /**
     * Local attention over the last {@code size} positions on all but every {@code pattern}-th
     * layer (Gemma 3: 5 local layers then one global, pattern 6; pattern 1: every layer local).
     */
    public record SlidingWindow(int size, int pattern) {
        public static final SlidingWindow NONE = new SlidingWindow(0, 0);

        public SlidingWindow {
            if ((size == 0) != (pattern == 0) || size < 0 || pattern < 0) {
                throw new IllegalArgumentException("a sliding window needs both a size and a pattern");
            }
        }

        public boolean present() {
            return size > 0;
        }

        public boolean isLocal(int layer) {
            return present() && (pattern == 1 || layer % pattern < pattern - 1);
        }
    }

    /** A dense model with standard attention. */
    public ModelShape(int layers, int embedding, int heads, int kvHeads, int headDim, int ffn, int vocab,
                      boolean tiedEmbeddings) {
        this(layers, embedding, heads, kvHeads, headDim, ffn, vocab, tiedEmbeddings, Experts.NONE,
                LatentAttention.NONE, SlidingWindow.NONE, 0);
    }

    public ModelShape {
        Objects.requireNonNull(experts, "experts");
        Objects.requireNonNull(latent, "latent");
        Objects.requireNonNull(window, "window");
        if (layers < 1 || embedding < 1 || heads < 1 || kvHeads < 1 || headDim < 1 || ffn < 1 || vocab < 1) {
            throw new IllegalArgumentException("every model dimension must be positive");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kv heads (" + kvHeads + ")");
        }
        if (experts.denseLead() >= layers && experts.present()) {
            throw new IllegalArgumentException("leading dense layers (" + experts.denseLead()
                    + ") must be fewer than the " + layers + " layers");
        }
        if (latent.present() && headDim != latent.nopeDim() + latent.ropeDim()) {
            throw new IllegalArgumentException("with latent attention the head dim (" + headDim
                    + ") is the nope + rope dims (" + (latent.nopeDim() + latent.ropeDim()) + ")");
        }
        if (nextnLayers < 0) {
            throw new IllegalArgumentException("negative next-token-prediction layer count");
        }
    }

    /** The same shape with these experts. */
    public ModelShape withExperts(Experts e) {
        return new ModelShape(layers, embedding, heads, kvHeads, headDim, ffn, vocab, tiedEmbeddings, e, latent, window,
                nextnLayers);
    }

    /** The same shape with this latent attention. */
    public ModelShape withLatent(LatentAttention l) {
        return new ModelShape(layers, embedding, heads, kvHeads, headDim, ffn, vocab, tiedEmbeddings, experts, l, window,
                nextnLayers);
    }

    /** The same shape with this sliding window. */
    public ModelShape withWindow(SlidingWindow w) {
        return new ModelShape(layers, embedding, heads, kvHeads, headDim, ffn, vocab, tiedEmbeddings, experts, latent, w,
                nextnLayers);
    }

    /** The same shape with next-token-prediction blocks after the last layer. */
    public ModelShape withNextnLayers(int n) {
        return new ModelShape(layers, embedding, heads, kvHeads, headDim, ffn, vocab, tiedEmbeddings, experts, latent,
                window, n);
    }

    /** Whether {@code layer}'s feed-forward is a mixture of experts. */
    public boolean isMoeLayer(int layer) {
        return experts.present() && layer >= experts.denseLead();
    }

    /** Attention weights of one block (q, k, v, o; with latent attention its projections). */
    public long attentionParameters() {
        long d = embedding;
        if (!latent.present()) {
            return d * heads * headDim + 2L * d * kvHeads * headDim + (long) heads * headDim * d;
        }
        LatentAttention a = latent;
        long qkHead = a.nopeDim() + a.ropeDim();
        long q = a.qLoraRank() > 0 ? d * a.qLoraRank() + a.qLoraRank() + (long) a.qLoraRank() * heads * qkHead
                : d * heads * qkHead;
        long kvA = d * (a.kvLoraRank() + a.ropeDim()) + a.kvLoraRank();
        long kvB = (long) a.kvLoraRank() * heads * (a.nopeDim() + a.valueDim());
        long o = (long) heads * a.valueDim() * d;
        return q + kvA + kvB + o;
    }

    /** Feed-forward weights of {@code layer}: dense, or router + every expert + shared experts. */
    public long ffnParameters(int layer) {
        if (!isMoeLayer(layer)) {
            return 3L * embedding * ffn;
        }
        return (long) embedding * experts.count() + 3L * embedding * experts.ffn() * experts.count()
                + 3L * embedding * experts.sharedFfn();
    }

    /** Feed-forward weights one token reads in {@code layer}: the router, its experts, the shared ones. */
    public long activeFfnParameters(int layer) {
        if (!isMoeLayer(layer)) {
            return ffnParameters(layer);
        }
        return (long) embedding * experts.count() + 3L * embedding * experts.ffn() * experts.used()
                + 3L * embedding * experts.sharedFfn();
    }

    /** Weights of block {@code layer}: attention, feed-forward, two norms. */
    public long layerParameters(int layer) {
        return attentionParameters() + ffnParameters(layer) + 2L * embedding;
    }

    /** Weights of block {@code layer} that one token reads (all of them for a dense block). */
    public long activeLayerParameters(int layer) {
        return attentionParameters() + activeFfnParameters(layer) + 2L * embedding;
    }

    /** Weights of one block: every block's for a dense model, the last (largest) block's for a MoE one. */
    public long parametersPerLayer() {
        return layerParameters(layers - 1);
    }

    public long embeddingParameters() {
        return (long) vocab * embedding;
    }

    /** Output norm plus the output head (which is the embedding matrix when tied). */
    public long outputParameters() {
        return (long) vocab * embedding + embedding;
    }

    /** Every weight the ring loads (next-token-prediction blocks left out), a tied head once. */
    public long totalParameters() {
        long sum = embeddingParameters() + (tiedEmbeddings ? embedding : outputParameters());
        for (int l = 0; l < layers; l++) {
            sum += layerParameters(l);
        }
        return sum;
    }

    /** The weights one token reads: all but the experts it was not routed to. */
    public long activeParameters() {
        long sum = embeddingParameters() + (tiedEmbeddings ? embedding : outputParameters());
        for (int l = 0; l < layers; l++) {
            sum += activeLayerParameters(l);
        }
        return sum;
    }

    /**
     * The output head's work in blocks' worth, rounded: a tail multiplies every hidden state by
     * the vocab x embedding head once more, about four blocks of Llama 3.2 1B (128k x 2048
     * against 61M parameters a block). Looking a token's row up in the embedding is no work.
     */
    public int outputHeadLayers() {
        return (int) Math.round((double) outputParameters() / activeLayerParameters(layers - 1));
    }

    /**
     * K and V for one token in one layer, in elements: K and V heads of {@code headDim}, or the
     * latent and rope key of latent attention ({@link LatentAttention#cacheWidth()}). Sliding
     * window layers count the same: exo's engines, as llama.cpp b4916, keep a full-length cache
     * on every layer and mask what is outside the window.
     */
    public long kvElementsPerTokenPerLayer() {
        return latent.present() ? latent.cacheWidth() : 2L * kvHeads * headDim;
    }
}
