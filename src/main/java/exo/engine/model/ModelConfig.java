package exo.engine.model;

import exo.gguf.GgufFormatException;
import exo.gguf.GgufMetadata;
import java.util.Locale;

/**
 * Hyper-parameters of a decoder-only transformer, read from GGUF metadata with llama.cpp's
 * defaults for missing keys (stories260K lacks rope.freq_base, vocab_size and others).
 *
 * @param neoxRope rotate pairs (i, i + ropeDim/2) as GPT-NeoX does (Qwen) instead of adjacent
 *                 pairs (2i, 2i+1) as llama does (llama.cpp's LLAMA_ROPE_TYPE_NEOX vs NORM)
 * @param qkvBias  the attention projections have biases (Qwen2)
 * @param qkNorm   queries and keys are RMS-normalised per head before rope (Qwen3)
 */
public record ModelConfig(String architecture, int dim, int layers, int heads, int kvHeads, int headDim, int ffn,
                          int vocab, int contextLength, float normEps, float ropeTheta, int ropeDim,
                          float ropeFreqScale, boolean neoxRope, boolean qkvBias, boolean qkNorm) {

    public ModelConfig {
        if (dim < 1 || layers < 1 || heads < 1 || kvHeads < 1 || headDim < 1 || ffn < 1 || vocab < 1
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
        if (!(ropeTheta > 0) || Float.isInfinite(ropeTheta) || !(ropeFreqScale > 0) || Float.isInfinite(ropeFreqScale)) {
            throw new GgufFormatException("the rope base " + ropeTheta + " or scale " + ropeFreqScale
                    + " is not a positive number");
        }
        if (ropeDim < 2 || ropeDim > headDim || ropeDim % 2 != 0) {
            throw new GgufFormatException("rope dimension " + ropeDim + " does not fit heads of " + headDim);
        }
    }

    static final int MAX_LAYERS = 4096;
    static final int MAX_WIDTH = 1 << 17;

    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Architectures this engine runs, as named in general.architecture. */
    public static final java.util.Set<String> SUPPORTED = java.util.Set.of("llama", "mistral", "qwen2", "qwen3");

    /** The dimensions a plan needs (tied or not does not change them). */
    public exo.topology.ModelShape shape() {
        return new exo.topology.ModelShape(layers, dim, heads, kvHeads, headDim, ffn, vocab, false);
    }

    public static ModelConfig from(GgufMetadata m) {
        String arch = m.getString("general.architecture")
                .orElseThrow(() -> new GgufFormatException("the file has no general.architecture"));
        if (!SUPPORTED.contains(arch)) {
            throw new UnsupportedModelException("unsupported architecture '" + arch + "' (supported: "
                    + String.join(", ", new java.util.TreeSet<>(SUPPORTED)) + ")");
        }
        int dim = required(m, arch, "embedding_length");
        int heads = required(m, arch, "attention.head_count");
        if (heads < 1 || dim < 1) {
            throw new GgufFormatException(arch + ".attention.head_count and embedding_length must be positive, not "
                    + heads + " and " + dim);
        }
        int kvHeads = m.getInt(arch + ".attention.head_count_kv", heads);
        int headDim = m.getInt(arch + ".attention.key_length", dim / heads);
        int vocab = m.getInt(arch + ".vocab_size").orElseGet(() ->
                m.getStringArray("tokenizer.ggml.tokens").map(t -> t.length).orElseThrow(() ->
                        new GgufFormatException("the file has neither " + arch + ".vocab_size nor a token list")));
        float freqScale = 1f;
        String scaling = m.getString(arch + ".rope.scaling.type").orElse("none");
        if (scaling.equals("linear")) {
            float factor = m.getFloat(arch + ".rope.scaling.factor", 1f);
            freqScale = factor > 0 ? 1f / factor : 1f;
        } else if (!scaling.equals("none")) {
            throw new UnsupportedModelException("rope scaling '" + scaling + "' is not supported");
        }
        boolean qwen = arch.startsWith("qwen");
        return new ModelConfig(arch, dim, required(m, arch, "block_count"), heads, kvHeads, headDim,
                required(m, arch, "feed_forward_length"), vocab,
                m.getInt(arch + ".context_length", 2048),
                m.getFloat(arch + ".attention.layer_norm_rms_epsilon", 1e-5f),
                m.getFloat(arch + ".rope.freq_base", 10000f),
                m.getInt(arch + ".rope.dimension_count", headDim),
                freqScale, qwen, arch.equals("qwen2"), arch.equals("qwen3"));
    }

    private static int required(GgufMetadata m, String arch, String key) {
        return m.getInt(arch + "." + key).orElseThrow(() ->
                new GgufFormatException("the file lacks " + arch + "." + key));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s dim=%d layers=%d heads=%d/%d head_dim=%d ffn=%d vocab=%d ctx=%d",
                architecture, dim, layers, heads, kvHeads, headDim, ffn, vocab, contextLength);
    }
}
