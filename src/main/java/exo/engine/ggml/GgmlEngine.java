package exo.engine.ggml;

import exo.engine.Activations;
import exo.engine.GpuMode;
import exo.engine.InferenceEngine;
import exo.engine.model.ModelConfig;
import exo.gguf.GgufFile;
import exo.topology.Shard;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A slice of a model (layers [start, end)) computed by ggml, the tensor library inside
 * llama.cpp, through FFM: every tensor type llama.cpp reads (the K-quant mixes people
 * download), at llama.cpp's speed, with llama.cpp's graph. The weights stay in the
 * memory-mapped GGUF; each session has an F16 KV cache of this shard's layers.
 *
 * <p>It takes and returns the same {@link Activations} as the Java engine, so a ring may mix
 * engines. Results do not depend on how the model is split: each block computes the same
 * operations on the same inputs in any shard, and prefill runs in micro-batches of
 * {@value #UBATCH} positions as llama.cpp's default n_ubatch, so slices [0,a)+[a,n) give
 * the bits one engine holding [0,n) gives (with the same thread count).
 *
 * <p>Single-position steps of different sessions that arrive while a graph computes are run
 * together as one graph (a {@link ForwardGraph#buildDecode decode batch}): one pass over the
 * weights for all of them, which is most of a step's time when memory bandwidth bounds it.
 * Each session's result has the bits of its step run alone; so steps share graphs only on the
 * CPU and for weight types whose product kernel does not depend on the number of columns
 * ({@link GgmlWeights#COLUMN_EXACT}: the quantized types people download). Experts of any type
 * qualify ({@code ggml_mul_mat_id} takes each column on its own), and the F32 routers of a
 * mixture of experts are multiplied one column at a time. F32 and F16 slices, and GPUs, run one
 * step per graph.
 */
public final class GgmlEngine implements InferenceEngine {
    /** Positions per graph: llama.cpp's default n_ubatch. */
    static final int UBATCH = 512;
    /** The most sessions one decode graph takes; more wait for the next graph. */
    static final int MAX_DECODE_BATCH = 16;

    private final GgmlApi api;
    private final GgufFile file;
    private final ModelConfig config;
    private final Shard shard;
    private final GgmlWeights weights;
    private final GgmlBackend backend;
    private final int contextLength;
    /** Whether decode steps of several sessions may share a graph without changing any session's bits. */
    private final boolean batchesExactly;
    private final Map<String, GgmlKvCache> sessions = new ConcurrentHashMap<>();
    /**
     * Held while a graph computes: the backend's thread pool already uses every core it was
     * given, and the graph allocator's buffer is shared. Fair, so that a thread whose step
     * another thread ran gets its result soon.
     */
    private final ReentrantLock computing = new ReentrantLock(true);
    /** Decode steps waiting for the next graph. */
    private final ConcurrentLinkedQueue<DecodeStep> waiting = new ConcurrentLinkedQueue<>();
    /** Decode graphs run and the steps they held, for {@link #decodeBatching()}. */
    private long decodeGraphs;
    private long decodeSteps;
    /** Set by close: native memory is gone, and a second close or a late forward must not touch it. */
    private boolean closed;

    private GgmlEngine(GgmlApi api, GgufFile file, ModelConfig config, Shard shard, GgmlWeights weights,
                       GgmlBackend backend, int contextLength) {
        this.api = api;
        this.file = file;
        this.config = config;
        this.shard = shard;
        this.weights = weights;
        this.backend = backend;
        this.contextLength = contextLength;
        this.batchesExactly = backend.isCpu() && GgmlWeights.COLUMN_EXACT.containsAll(weights.matrixTypes);
    }

    /**
     * Opens layers [start, end) of {@code path} ({@code end = -1}: through the last layer) on
     * {@code threads} CPU threads; {@code contextLength} 0 takes the model's own.
     *
     * @throws exo.engine.llamacpp.LlamaCppException when the llama.cpp library cannot be loaded
     */
    public static GgmlEngine open(Path path, int start, int end, int threads, int contextLength) throws IOException {
        return open(path, start, end, threads, contextLength, GpuMode.OFF);
    }

    /**
     * As {@link #open(Path, int, int, int, int)}, on the first GPU the library has a backend for
     * when {@code gpu} is {@link GpuMode#AUTO} (the CPU where it has none).
     */
    public static GgmlEngine open(Path path, int start, int end, int threads, int contextLength, GpuMode gpu)
            throws IOException {
        GgmlApi api = GgmlApi.bundled();
        GgmlDevices.Device device = GgmlDevices.choose(GgmlDevices.list(api), gpu);
        return open(api, device, device.kind() != GgmlDevices.Kind.CPU, path, start, end, threads, contextLength);
    }

    /**
     * @param upload copy the weights into the device's buffers and look the embedding up on the
     *               host, as for a GPU (tests ask for it on the CPU, where it gives the same bits)
     */
    static GgmlEngine open(GgmlApi api, GgmlDevices.Device device, boolean upload, Path path, int start, int end,
                           int threads, int contextLength) throws IOException {
        GgufFile file = GgufFile.open(path);
        GgmlWeights weights = null;
        GgmlBackend backend = null;
        try {
            ModelConfig config = ModelConfig.from(file.metadata());
            int last = end < 0 ? config.layers() : end;
            String model = file.metadata().getString("general.name").orElse(path.getFileName().toString());
            Shard shard = new Shard(model, start, last, config.layers());
            int ctx = contextLength > 0 ? contextLength : config.contextLength();
            backend = GgmlBackend.open(api, device, threads);
            weights = GgmlWeights.load(api, file, config, shard, upload ? backend.bufferType() : null);
            return new GgmlEngine(api, file, config, shard, weights, backend, ctx);
        } catch (RuntimeException e) {
            if (weights != null) {
                weights.close();
            }
            if (backend != null) {
                backend.close();
            }
            file.close();
            throw e;
        }
    }

    /** ggml's name of the backend computing: "CPU", "Metal", "CUDA0". */
    public String backendName() {
        return backend.name();
    }

    /**
     * Why ggml cannot run on this machine (the llama.cpp library does not load, is another
     * build, or lacks a symbol), or empty when it can.
     */
    public static java.util.Optional<String> unavailableReason() {
        try {
            GgmlApi.bundled();
            return java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.of(e.getMessage());
        }
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
        GgmlKvCache c = sessions.get(session);
        return c == null ? 0 : c.length();
    }

    @Override
    public void release(String session) {
        computing.lock();
        try {
            if (closed) {
                return;
            }
            GgmlKvCache c = sessions.remove(session);
            if (c != null) {
                c.close();
            }
        } finally {
            computing.unlock();
        }
    }

    @Override
    public Activations forward(String session, int position, Activations input, boolean allLogits) {
        float[] hiddenIn = null;
        int[] ids = null;
        switch (input) {
            case Activations.Tokens t -> {
                if (!shard.isFirst()) {
                    throw new IllegalArgumentException("shard " + shard + " takes hidden states, not tokens");
                }
                ids = t.ids();
                for (int id : ids) {
                    if (id < 0 || id >= config.vocab()) {
                        throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of "
                                + config.vocab());
                    }
                }
            }
            case Activations.Hidden h -> {
                if (shard.isFirst()) {
                    throw new IllegalArgumentException("shard " + shard + " takes tokens, not a hidden state");
                }
                if (h.dim() != config.dim()) {
                    throw new IllegalArgumentException("hidden state of width " + h.dim() + " for a model of "
                            + config.dim());
                }
                hiddenIn = h.data();
            }
            case Activations.Logits l -> throw new IllegalArgumentException("logits are not an input");
        }
        int n = input.count();
        if (position + n > contextLength) {
            throw new IllegalArgumentException("the prompt needs " + (position + n)
                    + " positions but the context holds " + contextLength);
        }
        if (n == 1) {
            return decode(List.of(new DecodeStep(session, position, ids, hiddenIn))).getFirst();
        }
        computing.lock();
        try {
            return prefill(cacheFor(session, position, n), position, ids, hiddenIn, n, allLogits);
        } finally {
            computing.unlock();
        }
    }

    /**
     * Queues one-position steps (of different sessions) and waits for their results: whichever
     * caller holds the engine next runs every step then waiting as one graph, so steps queued
     * together here, or by threads arriving together, share a pass over the weights.
     */
    List<Activations> decode(List<DecodeStep> steps) {
        waiting.addAll(steps);
        computing.lock();
        try {
            while (!steps.stream().allMatch(DecodeStep::isDone)) {
                runWaitingSteps();
            }
        } finally {
            computing.unlock();
        }
        return steps.stream().map(DecodeStep::result).toList();
    }

    /** Runs up to {@value #MAX_DECODE_BATCH} waiting steps of different sessions as one graph. */
    private void runWaitingSteps() {
        List<DecodeStep> batch = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        int most = batchesExactly ? MAX_DECODE_BATCH : 1;
        for (Iterator<DecodeStep> it = waiting.iterator(); it.hasNext() && batch.size() < most; ) {
            DecodeStep step = it.next();
            if (!taken.add(step.session)) {
                continue; // a second step of one session waits for the first's result
            }
            it.remove();
            try {
                step.cache = cacheFor(step.session, step.position, 1);
                batch.add(step);
            } catch (RuntimeException e) {
                step.fail(e);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            if (batch.size() == 1) {
                DecodeStep step = batch.getFirst();
                step.complete(prefill(step.cache, step.position, step.ids, step.hidden, 1, false));
            } else {
                runDecodeBatch(batch);
            }
        } catch (RuntimeException e) {
            batch.forEach(step -> step.fail(e));
        }
    }

    /** The session's cache rewound to {@code position} with room for {@code n} more positions. */
    private GgmlKvCache cacheFor(String session, int position, int n) {
        if (closed) {
            throw new IllegalStateException("the ggml engine for " + shard + " is closed");
        }
        GgmlKvCache cache = sessions.computeIfAbsent(session,
                s -> new GgmlKvCache(api, backend.bufferType(), shard.layerCount(), config.keyCacheWidth(),
                        config.valueCacheWidth(), contextLength));
        if (position < 0 || position > cache.length()) {
            throw new IllegalStateException("session " + session + " holds " + cache.length()
                    + " positions; cannot run from position " + position);
        }
        cache.setLength(position);
        cache.reserve(position + n);
        return cache;
    }

    /**
     * Positions [position, position + n) of one session, whose cache {@link #cacheFor} made ready,
     * in micro-batches of {@value #UBATCH}.
     */
    private Activations prefill(GgmlKvCache cache, int position, int[] ids, float[] hiddenIn, int n,
                                boolean allLogits) {
        int dim = config.dim();
        int vocab = config.vocab();
        float[] hiddenOut = shard.isLast() ? null : new float[n * dim];
        int logitRows = shard.isLast() ? (allLogits ? n : 1) : 0;
        float[] logits = shard.isLast() ? new float[logitRows * vocab] : null;
        for (int from = 0; from < n; from += UBATCH) {
            int m = Math.min(UBATCH, n - from);
            boolean lastChunk = from + m == n;
            // Only the chunk with the last position yields logits unless all are wanted.
            boolean wantLogits = shard.isLast() && (allLogits || lastChunk);
            float[] out = run(cache, ids, hiddenIn, from, m, position + from, wantLogits, !allLogits);
            cache.setLength(position + from + m);
            if (hiddenOut != null) {
                System.arraycopy(out, 0, hiddenOut, from * dim, m * dim);
            } else if (allLogits) {
                System.arraycopy(out, 0, logits, from * vocab, m * vocab);
            } else if (lastChunk) {
                System.arraycopy(out, out.length - vocab, logits, 0, vocab);
            }
        }
        return hiddenOut != null ? new Activations.Hidden(hiddenOut, n, dim)
                : new Activations.Logits(logits, logitRows, vocab);
    }

    /** One graph for one position of each of several sessions. */
    private void runDecodeBatch(List<DecodeStep> batch) {
        int b = batch.size();
        int dim = config.dim();
        GgmlKvCache[] caches = new GgmlKvCache[b];
        int[] positions = new int[b];
        int[] kvCells = new int[b];
        for (int i = 0; i < b; i++) {
            DecodeStep step = batch.get(i);
            caches[i] = step.cache;
            positions[i] = step.position;
            kvCells[i] = cellsFor(step.cache, step.position, 1);
        }
        try (ForwardGraph g = new ForwardGraph(api, config, shard.layerCount(), b)) {
            boolean hostEmbedding = shard.isFirst() && weights.tokenEmbedding == null;
            g.buildDecode(weights, shard.start(), caches, positions, kvCells, input(shard.isFirst(), hostEmbedding),
                    shard.isLast());
            backend.allocate(g.graph);
            if (shard.isFirst()) {
                int[] ids = batch.stream().mapToInt(step -> step.ids[0]).toArray();
                if (hostEmbedding) {
                    float[] rows = weights.embed(ids);
                    api.backend.ggml_backend_tensor_set(g.hidden, MemorySegment.ofArray(rows), 0, 4L * rows.length);
                } else {
                    api.backend.ggml_backend_tensor_set(g.tokens, MemorySegment.ofArray(ids), 0, 4L * b);
                }
            } else {
                float[] rows = new float[b * dim];
                for (int i = 0; i < b; i++) {
                    System.arraycopy(batch.get(i).hidden, 0, rows, i * dim, dim);
                }
                api.backend.ggml_backend_tensor_set(g.hidden, MemorySegment.ofArray(rows), 0, 4L * rows.length);
            }
            api.backend.ggml_backend_tensor_set(g.positions, MemorySegment.ofArray(positions), 0, 4L * b);
            for (int i = 0; i < b; i++) {
                setMasks(g, i, 1, positions[i], kvCells[i]);
            }
            backend.compute(g.graph);
            int width = shard.isLast() ? config.vocab() : dim;
            float[] out = new float[b * width];
            api.backend.ggml_backend_tensor_get(g.result, MemorySegment.ofArray(out), 0, 4L * out.length);
            decodeGraphs++;
            decodeSteps += b;
            for (int i = 0; i < b; i++) {
                DecodeStep step = batch.get(i);
                step.cache.setLength(step.position + 1);
                float[] row = Arrays.copyOfRange(out, i * width, (i + 1) * width);
                step.complete(shard.isLast() ? new Activations.Logits(row, 1, width)
                        : new Activations.Hidden(row, 1, width));
            }
        }
    }

    /** Mean sessions per decode graph since the engine opened (1 when steps never overlapped). */
    public double decodeBatching() {
        computing.lock();
        try {
            return decodeGraphs == 0 ? 1 : (double) decodeSteps / decodeGraphs;
        } finally {
            computing.unlock();
        }
    }

    /** Cells attention reads for positions up to {@code p0 + m}: padded as llama.cpp pads them. */
    private static int cellsFor(GgmlKvCache cache, int p0, int m) {
        return Math.min(cache.capacity(), Math.max(GgmlKvCache.PAD, GgmlKvCache.pad(p0 + m)));
    }

    /** A one-position step waiting for a graph, and then its result. */
    static final class DecodeStep {
        final String session;
        final int position;
        final int[] ids;
        final float[] hidden;
        GgmlKvCache cache;
        private Activations result;
        private RuntimeException failure;

        DecodeStep(String session, int position, int[] ids, float[] hidden) {
            this.session = session;
            this.position = position;
            this.ids = ids;
            this.hidden = hidden;
        }

        /** Session {@code session}'s step at {@code position} with one token id or one hidden state. */
        static DecodeStep of(String session, int position, Activations input) {
            return new DecodeStep(session, position, input instanceof Activations.Tokens t ? t.ids() : null,
                    input instanceof Activations.Hidden h ? h.data() : null);
        }

        boolean isDone() {
            return result != null || failure != null;
        }

        void complete(Activations result) {
            this.result = result;
        }

        void fail(RuntimeException e) {
            this.failure = e;
        }

        Activations result() {
            if (failure != null) {
                throw failure;
            }
            return result;
        }
    }

    /** One graph over positions [p0, p0 + m), input rows [from, from + m); returns its output floats. */
    private float[] run(GgmlKvCache cache, int[] ids, float[] hiddenIn, int from, int m, int p0, boolean logits,
                        boolean oneRow) {
        int kvCells = cellsFor(cache, p0, m);
        try (ForwardGraph g = new ForwardGraph(api, config, shard.layerCount())) {
            // A chunk whose logits nobody wants still runs the head (llama.cpp's pruning keeps it small).
            // A head whose weights went to a GPU gets its embedding rows from the host, as a hidden state.
            boolean hostEmbedding = ids != null && weights.tokenEmbedding == null;
            g.build(weights, shard.start(), cache, m, p0, kvCells, input(ids != null, hostEmbedding), shard.isLast(),
                    oneRow);
            backend.allocate(g.graph);
            if (hostEmbedding) {
                float[] rows = weights.embed(Arrays.copyOfRange(ids, from, from + m));
                api.backend.ggml_backend_tensor_set(g.hidden, MemorySegment.ofArray(rows), 0, 4L * rows.length);
            } else if (ids != null) {
                int[] chunk = Arrays.copyOfRange(ids, from, from + m);
                api.backend.ggml_backend_tensor_set(g.tokens, MemorySegment.ofArray(chunk), 0, 4L * m);
            } else {
                int dim = config.dim();
                api.backend.ggml_backend_tensor_set(g.hidden, MemorySegment.ofArray(hiddenIn).asSlice(4L * from * dim),
                        0, 4L * m * dim);
            }
            int[] pos = new int[m];
            for (int i = 0; i < m; i++) {
                pos[i] = p0 + i;
            }
            api.backend.ggml_backend_tensor_set(g.positions, MemorySegment.ofArray(pos), 0, 4L * m);
            setMasks(g, 0, m, p0, kvCells);
            if (g.outputRows != null) {
                api.backend.ggml_backend_tensor_set(g.outputRows, MemorySegment.ofArray(new int[] {m - 1}), 0, 4);
            }
            backend.compute(g.graph);
            int width = shard.isLast() ? config.vocab() : config.dim();
            int rows = shard.isLast() && oneRow && m > 1 ? 1 : m;
            float[] out = new float[rows * width];
            if (logits || !shard.isLast()) {
                api.backend.ggml_backend_tensor_get(g.result, MemorySegment.ofArray(out), 0, 4L * out.length);
            }
            return out;
        }
    }

    private static ForwardGraph.Input input(boolean tokens, boolean hostEmbedding) {
        return !tokens ? ForwardGraph.Input.HIDDEN
                : hostEmbedding ? ForwardGraph.Input.EMBEDDINGS : ForwardGraph.Input.TOKENS;
    }

    /** Session {@code i}'s masks in graph {@code g}: causal, and sliding-window where the model has it. */
    private void setMasks(ForwardGraph g, int i, int m, int p0, int kvCells) {
        if (g.masks.get(i) != null) {
            float[] mask = causalMask(m, p0, kvCells, Integer.MAX_VALUE);
            api.backend.ggml_backend_tensor_set(g.masks.get(i), MemorySegment.ofArray(mask), 0, 4L * mask.length);
        }
        if (g.slidingMasks.get(i) != null) {
            float[] sliding = causalMask(m, p0, kvCells, config.slidingWindow().orElseThrow().window());
            api.backend.ggml_backend_tensor_set(g.slidingMasks.get(i), MemorySegment.ofArray(sliding), 0,
                    4L * sliding.length);
        }
    }

    /**
     * llama.cpp's KQ mask: row i (the query at position p = p0 + i) sees cells at positions
     * <= p (0), and not later or empty cells (-inf), nor (a sliding window's mask) cells
     * {@code window} or more positions back; rows past m pad the mask to 64.
     */
    static float[] causalMask(int m, int p0, int kvCells, int window) {
        int rows = ForwardGraph.padMask(m);
        float[] mask = new float[rows * kvCells];
        Arrays.fill(mask, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < m; i++) {
            int p = p0 + i;
            int from = (int) Math.max(0, (long) p - window + 1);
            Arrays.fill(mask, i * kvCells + from, i * kvCells + p + 1, 0f);
        }
        return mask;
    }

    @Override
    public void close() {
        computing.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            sessions.values().forEach(GgmlKvCache::close);
            sessions.clear();
            backend.close();
            weights.close();
            file.close();
        } finally {
            computing.unlock();
        }
    }
}
