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
import exo.engine.java.forward.ArchitectureForward;
import exo.engine.java.forward.ForwardPass;
import exo.engine.java.forward.KvCache;
import exo.engine.java.forward.VectorOps;

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
    private final ArchitectureForward architecture;
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
        this.architecture = ArchitectureForward.of(config);
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
                s -> new KvCache(shard.layerCount(), config.keyCacheWidth(), config.valueCacheWidth(), contextLength));
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
                ForwardPass pass = new ForwardPass(config, mm, pool, cache, shard.start(), position + from, m,
                        weights.ropeFreqs());
                for (int l = 0; l < weights.layers().size(); l++) {
                    architecture.layer(pass, shard.start() + l, weights.layers().get(l), chunk);
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
                architecture.embed(config, x);
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

    /** Output norm and head for row t of x, into logits row {@code row}. */
    private void head(Matmul mm, float[] x, int t, float[] logits, int row) {
        int dim = config.dim();
        float[] normed = new float[dim];
        VectorOps.rmsNorm(x, t * dim, weights.outputNorm(), config.normEps(), normed, 0, dim);
        float[] out = new float[config.vocab()];
        weights.output().apply(mm, normed, 1, out);
        System.arraycopy(out, 0, logits, row * config.vocab(), config.vocab());
    }

    @Override
    public void close() {
        sessions.clear();
        file.close();
    }
}
