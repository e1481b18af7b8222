package exo.synthetic;

import exo.engine.ggml.GgmlQuants;
import exo.engine.java.tensor.Quantizer;
import exo.gguf.GgmlType;
import exo.gguf.GgufArray;
import exo.gguf.GgufValueType;
import exo.gguf.GgufWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a Llama-shaped GGUF with random weights that both engines load: for tests (small
 * shapes in every tensor type) and benchmarks (a 1B shape). Weights are uniform in
 * +-1/sqrt(fan-in) so activations stay near unit scale through the layers; norms are 1. The
 * vocabulary is a SentencePiece one (unk, bos, eos, 256 byte tokens, filler pieces) so that
 * llama.cpp accepts the file; tests feed token ids, not text.
 */
public record SyntheticModel(int dim, int layers, int heads, int kvHeads, int headDim, int ffn, int vocab, int context,
                             QuantMix mix, long seed, String architecture, boolean tiedEmbeddings) {

    /** A llama-architecture model with every matrix of {@code type} and heads of dim / heads. */
    public SyntheticModel(int dim, int layers, int heads, int kvHeads, int ffn, int vocab, int context, GgmlType type,
                          long seed) {
        this(dim, layers, heads, kvHeads, dim / heads, ffn, vocab, context, QuantMix.uniform(type), seed, "llama", false);
    }

    /** The same shape as another architecture: qwen2 adds Q/K/V biases, qwen3 per-head Q/K norms. */
    public SyntheticModel as(String arch) {
        return new SyntheticModel(dim, layers, heads, kvHeads, headDim, ffn, vocab, context, mix, seed, arch,
                tiedEmbeddings);
    }

    /** The same shape with the tensor types llama.cpp's quantizer gives {@code quantization} (e.g. Q4_K_M). */
    public SyntheticModel quantized(String quantization) {
        return new SyntheticModel(dim, layers, heads, kvHeads, headDim, ffn, vocab, context, QuantMix.of(quantization),
                seed, architecture, tiedEmbeddings);
    }

    /**
     * A model of {@code spec}'s exact shape (models.yaml) in {@code quantization}'s tensor types,
     * with random weights. Mistral files are written as llama, as its published GGUFs are; the
     * context is capped at 8192 since nothing here needs more.
     */
    public static SyntheticModel of(exo.models.ModelSpec spec, String quantization) {
        var s = spec.shape();
        String arch = switch (spec.architecture()) {
            case LLAMA, MISTRAL -> "llama";
            case QWEN2 -> "qwen2";
            case QWEN3 -> "qwen3";
            default -> spec.architecture().id(); // the constructor refuses it: no synthetic writer yet
        };
        return new SyntheticModel(s.embedding(), s.layers(), s.heads(), s.kvHeads(), s.headDim(), s.ffn(), s.vocab(),
                Math.min(spec.context(), 8192), QuantMix.of(quantization), 1, arch, s.tiedEmbeddings());
    }

    /** The type of most matrices (the mix's base). */
    public GgmlType type() {
        return mix.base();
    }

    public SyntheticModel {
        if (heads % kvHeads != 0 || vocab < 260 || headDim < 2 || headDim % 2 != 0) {
            throw new IllegalArgumentException("inconsistent synthetic shape");
        }
        if (mix.base().isQuantized() && (dim % 32 != 0 || ffn % 32 != 0)) {
            throw new IllegalArgumentException("dim and ffn must be multiples of 32 for quantized types");
        }
        if (!java.util.Set.of("llama", "qwen2", "qwen3").contains(architecture)) {
            throw new IllegalArgumentException("no synthetic " + architecture + " models");
        }
    }

    public void write(Path path) throws IOException {
        writer().write(path);
    }

    /**
     * The file as a writer whose tensors are generated only when it writes: its tensor list and
     * {@link GgufWriter#fileSize()} cost nothing.
     */
    public GgufWriter writer() {
        int qDim = heads * headDim;
        int kvDim = kvHeads * headDim;
        String a = architecture;
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", a)
                .putString("general.name", "synthetic-" + a + "-" + dim + "x" + layers + "-" + mix.name())
                .putUInt32("general.file_type", mix.fileType())
                .putUInt32(a + ".context_length", context)
                .putUInt32(a + ".embedding_length", dim)
                .putUInt32(a + ".block_count", layers)
                .putUInt32(a + ".feed_forward_length", ffn)
                .putUInt32(a + ".rope.dimension_count", headDim)
                .putUInt32(a + ".attention.head_count", heads)
                .putUInt32(a + ".attention.head_count_kv", kvHeads)
                .putFloat32(a + ".attention.layer_norm_rms_epsilon", 1e-5f)
                .putFloat32(a + ".rope.freq_base", 10000f)
                .putUInt32(a + ".vocab_size", vocab);
        if (headDim != dim / heads) {
            w.putUInt32(a + ".attention.key_length", headDim).putUInt32(a + ".attention.value_length", headDim);
        }
        addVocabulary(w);
        int salt = 0;
        matrix(w, "token_embd.weight", vocab, dim, 1f, salt++);
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            w.addF32(p + "attn_norm.weight", new long[] {dim}, ones(dim));
            matrix(w, p + "attn_q.weight", qDim, dim, fanIn(dim), salt++);
            matrix(w, p + "attn_k.weight", kvDim, dim, fanIn(dim), salt++);
            matrix(w, p + "attn_v.weight", kvDim, dim, fanIn(dim), salt++);
            if (a.equals("qwen2")) {
                w.addF32(p + "attn_q.bias", new long[] {qDim}, uniform(qDim, 0f, 0.5f, salt++));
                w.addF32(p + "attn_k.bias", new long[] {kvDim}, uniform(kvDim, 0f, 0.5f, salt++));
                w.addF32(p + "attn_v.bias", new long[] {kvDim}, uniform(kvDim, 0f, 0.5f, salt++));
            }
            if (a.equals("qwen3")) {
                w.addF32(p + "attn_q_norm.weight", new long[] {headDim}, uniform(headDim, 1f, 0.5f, salt++));
                w.addF32(p + "attn_k_norm.weight", new long[] {headDim}, uniform(headDim, 1f, 0.5f, salt++));
            }
            matrix(w, p + "attn_output.weight", dim, qDim, fanIn(qDim), salt++);
            w.addF32(p + "ffn_norm.weight", new long[] {dim}, ones(dim));
            matrix(w, p + "ffn_gate.weight", ffn, dim, fanIn(dim), salt++);
            matrix(w, p + "ffn_up.weight", ffn, dim, fanIn(dim), salt++);
            matrix(w, p + "ffn_down.weight", dim, ffn, fanIn(ffn), salt++);
        }
        w.addF32("output_norm.weight", new long[] {dim}, ones(dim));
        if (!tiedEmbeddings) {
            // A wider head than 1/sqrt(dim) separates the top logits, as a trained model's do.
            matrix(w, "output.weight", vocab, dim, 4 * fanIn(dim), salt);
        }
        return w;
    }

    /** A rows x cols matrix of the type the mix gives it. */
    private void matrix(GgufWriter w, String name, int rows, int cols, float scale, int salt) {
        GgmlType t = mix.typeOf(name, cols, layers, heads / kvHeads, tiedEmbeddings);
        w.addTensor(name, t, new long[] {cols, rows}, random(t, rows, cols, scale, salt));
    }

    private static float fanIn(int n) {
        return (float) (1 / Math.sqrt(n));
    }

    /** n values uniform in center +- spread: biases around 0, norm weights around 1. */
    private float[] uniform(int n, float center, float spread, int salt) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + salt);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (center + (rnd.nextDouble() * 2 - 1) * spread);
        }
        return a;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    /** Quantized bytes of a rows x cols matrix, generated row by row when the file is written. */
    private GgufWriter.TensorBytes random(GgmlType type, int rows, int cols, float scale, int salt) {
        return () -> {
            SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + salt);
            long rowBytes = type.byteSize(cols);
            MemorySegment out = MemorySegment.ofArray(new byte[Math.toIntExact(rowBytes * rows)]);
            float[] row = new float[cols];
            GgmlQuants native_ = JAVA_ENCODED.contains(type) ? null : GgmlQuants.bundled();
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    row[c] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
                }
                if (native_ == null) {
                    encode(type, row, out, r * rowBytes);
                } else {
                    MemorySegment.copy(MemorySegment.ofArray(native_.quantize(type, row, 1, cols)), 0, out,
                            r * rowBytes, rowBytes);
                }
            }
            return out;
        };
    }

    /** Types exo encodes itself, bit for bit as llama.cpp does; the others go through llama.cpp's quantizer. */
    private static final java.util.Set<GgmlType> JAVA_ENCODED =
            java.util.EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0);

    private static void encode(GgmlType type, float[] row, MemorySegment out, long offset) {
        switch (type) {
            case F32 -> MemorySegment.copy(row, 0, out, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), offset, row.length);
            case F16 -> Quantizer.toF16(row, 0, row.length, out, offset);
            case BF16 -> Quantizer.toBF16(row, 0, row.length, out, offset);
            case Q8_0 -> Quantizer.toQ8_0(row, 0, row.length, out, offset);
            case Q4_0 -> Quantizer.toQ4_0(row, 0, row.length, out, offset);
            default -> throw new IllegalArgumentException("no synthetic models of type " + type);
        }
    }

    private void addVocabulary(GgufWriter w) {
        String[] tokens = new String[vocab];
        float[] scores = new float[vocab];
        int[] types = new int[vocab];
        tokens[0] = "<unk>";
        types[0] = 2;
        tokens[1] = "<s>";
        types[1] = 3;
        tokens[2] = "</s>";
        types[2] = 3;
        for (int b = 0; b < 256; b++) {
            tokens[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = 6;
        }
        for (int i = 259; i < vocab; i++) {
            tokens[i] = "\u2581t" + i;
            scores[i] = -i;
            types[i] = 1;
        }
        w.putString("tokenizer.ggml.model", "llama")
                .putArray("tokenizer.ggml.tokens", GgufArray.ofStrings(tokens))
                .putArray("tokenizer.ggml.scores", GgufArray.ofFloats(scores))
                .putArray("tokenizer.ggml.token_type", new GgufArray(GgufValueType.INT32, types))
                .putUInt32("tokenizer.ggml.bos_token_id", 1)
                .putUInt32("tokenizer.ggml.eos_token_id", 2)
                .putUInt32("tokenizer.ggml.unknown_token_id", 0);
    }
}
