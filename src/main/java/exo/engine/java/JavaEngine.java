package exo.engine.java;

import exo.engine.Activations;
import exo.engine.InferenceEngine;
import exo.engine.java.tensor.Matmul;
import exo.engine.java.tensor.WorkerPool;
import exo.gguf.GgufFile;
import exo.topology.Shard;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import exo.engine.model.ModelConfig;

/**
 * The pure-Java engine: runs layers [start, end) of a GGUF model for many sessions. Weights
 * stay memory-mapped; each session has an F32 KV cache for this shard's layers. Results do not
 * depend on how the model is split, on batching or on the thread count: every output element is
 * computed by one thread in a fixed order, so a ring of shards is bit-identical to one machine.
 */
public final class JavaEngine implements InferenceEngine {
    /** Positions per pass through the layers: bounds scratch memory during long prefills. */
    static final int MICRO_BATCH = 64;

    private final GgufFile file;
    private final ModelConfig config;
    private final Shard shard;
    private final ShardWeights weights;
    private final Rope rope;
    private final WorkerPool pool;
    private final Matmul.Activations activations;
    private final int contextLength;
    private final ConcurrentHashMap<String, KvCache> sessions = new ConcurrentHashMap<>();

    private JavaEngine(GgufFile file, ModelConfig config, Shard shard, WorkerPool pool, int contextLength,
                       Matmul.Activations activations) {
        this.activations = activations;
        this.file = file;
        this.config = config;
        this.shard = shard;
        this.pool = pool;
        this.contextLength = contextLength;
        this.weights = ShardWeights.load(file, config, shard);
        this.rope = new Rope(config, weights.ropeFreqs());
    }

    /**
     * Opens layers [start, end) of {@code path}; {@code end = -1} means through the last layer.
     * The pool is the caller's and outlives the engine. {@code contextLength} 0 takes the
     * model's own.
     */
    public static JavaEngine open(Path path, int start, int end, WorkerPool pool, int contextLength)
            throws IOException {
        return open(path, start, end, pool, contextLength, Matmul.Activations.F32);
    }

    /**
     * As {@link #open(Path, int, int, WorkerPool, int)}, choosing how activations meet quantized
     * weights: exact F32 (the default: in Java it is as fast for decode and faster for prefill,
     * since each weight block is widened once for four activation rows, while the Vector API
     * lacks the int8 multiply-add that makes llama.cpp's Q8 path pay) or Q8, llama.cpp's way.
     */
    public static JavaEngine open(Path path, int start, int end, WorkerPool pool, int contextLength,
                                  Matmul.Activations activations) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            ModelConfig config = ModelConfig.from(file.metadata());
            int last = end < 0 ? config.layers() : end;
            String model = file.metadata().getString("general.name").orElse(path.getFileName().toString());
            Shard shard = new Shard(model, start, last, config.layers());
            int ctx = contextLength > 0 ? contextLength : config.contextLength();
            return new JavaEngine(file, config, shard, pool, ctx, activations);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public static JavaEngine openWhole(Path path, WorkerPool pool) throws IOException {
        return open(path, 0, -1, pool, 0);
    }

    public ModelConfig config() {
        return config;
    }

    public GgufFile file() {
        return file;
    }

    @Override
    public Shard shard() {
        return shard;
    }

    @Override
    public int embeddingLength() {
        return config.dim();
    }

    @Override
    public int vocabSize() {
        return config.vocab();
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public int sessionLength(String session) {
        KvCache c = sessions.get(session);
        return c == null ? 0 : c.length();
    }

    @Override
    public void release(String session) {
        sessions.remove(session);
    }

    @Override
    public Activations forward(String session, int position, Activations input, boolean allLogits) {
        KvCache cache = sessions.computeIfAbsent(session,
                s -> new KvCache(shard.layerCount(), config.kvDim(), contextLength));
        synchronized (cache) {
            if (position < 0 || position > cache.length()) {
                throw new IllegalStateException("session " + session + " holds " + cache.length()
                        + " positions; cannot run from position " + position);
            }
            int n = input.count();
            if (position + n > contextLength) {
                throw new IllegalArgumentException("the prompt needs " + (position + n)
                        + " positions but the context holds " + contextLength);
            }
            cache.setLength(position);
            cache.reserve(position + n);
            float[] x = inputRows(input);
            int dim = config.dim();
            float[] hidden = shard.isLast() ? null : new float[n * dim];
            int logitRows = shard.isLast() ? (allLogits ? n : 1) : 0;
            float[] logits = shard.isLast() ? new float[logitRows * config.vocab()] : null;
            Matmul mm = new Matmul(pool, activations); // holds scratch: one per forward pass
            for (int from = 0; from < n; from += MICRO_BATCH) {
                int m = Math.min(MICRO_BATCH, n - from);
                float[] chunk = Arrays.copyOfRange(x, from * dim, (from + m) * dim);
                for (int l = 0; l < weights.layers().length; l++) {
                    block(mm, weights.layers()[l], cache, l, chunk, m, position + from);
                }
                cache.setLength(position + from + m);
                if (hidden != null) {
                    System.arraycopy(chunk, 0, hidden, from * dim, m * dim);
                } else {
                    // Logits rows wanted from this chunk: all of them, or only the very last.
                    int firstWanted = allLogits ? from : n - 1;
                    for (int t = Math.max(from, firstWanted); t < from + m; t++) {
                        int row = allLogits ? t : 0;
                        head(mm, chunk, t - from, logits, row);
                    }
                }
            }
            return hidden != null ? new Activations.Hidden(hidden, n, dim)
                    : new Activations.Logits(logits, logitRows, config.vocab());
        }
    }

    private float[] inputRows(Activations input) {
        int dim = config.dim();
        return switch (input) {
            case Activations.Tokens t -> {
                if (!shard.isFirst()) {
                    throw new IllegalArgumentException("shard " + shard + " takes hidden states, not tokens");
                }
                float[] x = new float[t.count() * dim];
                for (int i = 0; i < t.count(); i++) {
                    int id = t.id(i);
                    if (id < 0 || id >= config.vocab()) {
                        throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of "
                                + config.vocab());
                    }
                    weights.tokenEmbedding().weights().dequantize((long) id * dim, x, i * dim, dim);
                }
                yield x;
            }
            case Activations.Hidden h -> {
                if (shard.isFirst()) {
                    throw new IllegalArgumentException("shard " + shard + " takes tokens, not a hidden state");
                }
                if (h.dim() != dim) {
                    throw new IllegalArgumentException("hidden state of width " + h.dim() + " for a model of " + dim);
                }
                yield h.data().clone();
            }
            case Activations.Logits l -> throw new IllegalArgumentException("logits are not an input");
        };
    }

    /** One transformer block over m positions starting at p0, updating x in place. */
    private void block(Matmul mm, LayerWeights w, KvCache cache, int layer, float[] x, int m, int p0) {
        ModelConfig c = config;
        int dim = c.dim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int headDim = c.headDim();

        // attention: x += Wo . attend(rope(Wq . norm(x)), rope(Wk . norm(x)), Wv . norm(x))
        float[] xb = new float[m * dim];
        for (int t = 0; t < m; t++) {
            VectorOps.rmsNorm(x, t * dim, w.attnNorm(), c.normEps(), xb, t * dim, dim);
        }
        float[] q = new float[m * qDim];
        float[] k = new float[m * kvDim];
        float[] v = new float[m * kvDim];
        w.wq().apply(mm, xb, m, q);
        w.wk().apply(mm, xb, m, k);
        w.wv().apply(mm, xb, m, v);
        if (w.bq() != null) {
            addBias(q, w.bq(), m);
            addBias(k, w.bk(), m);
            addBias(v, w.bv(), m);
        }
        if (w.qNorm() != null) {
            for (int h = 0; h < m * c.heads(); h++) {
                VectorOps.rmsNorm(q, h * headDim, w.qNorm(), c.normEps(), q, h * headDim, headDim);
            }
            for (int h = 0; h < m * c.kvHeads(); h++) {
                VectorOps.rmsNorm(k, h * headDim, w.kNorm(), c.normEps(), k, h * headDim, headDim);
            }
        }
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
        for (int t = 0; t < m; t++) {
            rope.apply(q, t * qDim, c.heads(), p0 + t);
            rope.apply(k, t * kvDim, c.kvHeads(), p0 + t);
        }
        System.arraycopy(k, 0, keys, p0 * kvDim, m * kvDim);
        System.arraycopy(v, 0, values, p0 * kvDim, m * kvDim);

        float[] attended = new float[m * qDim];
        attend(q, keys, values, attended, m, p0);
        w.wo().apply(mm, attended, m, xb);
        VectorOps.add(xb, x, m * dim);

        // feed-forward: x += Wdown . (silu(Wgate . norm(x)) * (Wup . norm(x)))
        for (int t = 0; t < m; t++) {
            VectorOps.rmsNorm(x, t * dim, w.ffnNorm(), c.normEps(), xb, t * dim, dim);
        }
        float[] gate = new float[m * c.ffn()];
        float[] up = new float[m * c.ffn()];
        w.wGate().apply(mm, xb, m, gate);
        w.wUp().apply(mm, xb, m, up);
        VectorOps.swiglu(gate, up, m * c.ffn());
        w.wDown().apply(mm, gate, m, xb);
        VectorOps.add(xb, x, m * dim);
    }

    /** Causal attention of m queries at positions p0.. over the cache, one task per (token, head). */
    private void attend(float[] q, float[] keys, float[] values, float[] out, int m, int p0) {
        ModelConfig c = config;
        int heads = c.heads();
        int headDim = c.headDim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int group = heads / c.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int tasks = m * heads;
        pool.forRange(tasks, Math.max(1, tasks / (pool.threads() * 4)), (start, end) -> {
            float[] scores = new float[p0 + m];
            for (int task = start; task < end; task++) {
                int t = task / heads;
                int h = task % heads;
                int qOff = t * qDim + h * headDim;
                int kvOff = (h / group) * headDim;
                int len = p0 + t + 1;
                for (int pos = 0; pos < len; pos++) {
                    scores[pos] = VectorOps.dot(q, qOff, keys, pos * kvDim + kvOff, headDim) * scale;
                }
                VectorOps.softmax(scores, len);
                for (int pos = 0; pos < len; pos++) {
                    VectorOps.axpy(scores[pos], values, pos * kvDim + kvOff, out, qOff, headDim);
                }
            }
        });
    }

    /** Output norm and head for row t of x, into logits row {@code row}. */
    private void head(Matmul mm, float[] x, int t, float[] logits, int row) {
        int dim = config.dim();
        float[] normed = new float[dim];
        VectorOps.rmsNorm(x, t * dim, weights.outputNorm(), config.normEps(), normed, 0, dim);
        float[] out = new float[config.vocab()];
        weights.output().apply(mm, normed, 1, out);
        System.arraycopy(out, 0, logits, row * config.vocab(), config.vocab());
    }

    private static void addBias(float[] x, float[] bias, int rows) {
        int n = bias.length;
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                x[r * n + i] += bias[i];
            }
        }
    }

    @Override
    public void close() {
        sessions.clear();
        file.close();
    }
}
