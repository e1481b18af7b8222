package exo.engine.llamacpp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A whole GGUF model run by llama.cpp on the CPU, called through its C API (llama.h, build b4916)
 * with the Foreign Function &amp; Memory API: exact token ids and exact logits, no log scraping.
 *
 * <p>One instance is one {@code llama_model} plus one {@code llama_context} with a single sequence
 * (sequence 0) in its KV cache. {@link #logits(int[])} evaluates a whole sequence from an empty
 * cache; {@link #append(int[])} and {@link #next(int)} continue the cache; {@link #reset()} empties
 * it. Greedy generation is an arg-max over the logits in Java ({@link Logits#argmax(float[])}).
 *
 * <p>Memory: everything Java allocates for the native side lives in one arena per instance;
 * {@link #close()} frees the context, then the model, then the arena. Methods are
 * {@code synchronized}: a llama.cpp context must not be used by two threads at once.
 */
public final class LlamaCppNative implements AutoCloseable {

    /** llama.cpp splits a logical batch into physical ones of at most this many tokens. */
    private static final int MAX_UBATCH = 512;

    private final LlamaApi api;
    private final Arena arena;
    private final MemorySegment model;   // struct llama_model *
    private final MemorySegment context; // struct llama_context *
    private final MemorySegment vocab;   // const struct llama_vocab *, owned by the model
    private final TokenBatch batch;
    private final ContextOptions options;
    private final int contextSize;
    private final int vocabSize;
    private int position; // tokens of sequence 0 now in the KV cache
    private boolean closed;

    private LlamaCppNative(LlamaApi api, Arena arena, MemorySegment model, MemorySegment context,
                           ContextOptions options) {
        this.api = api;
        this.arena = arena;
        this.model = model;
        this.context = context;
        this.vocab = api.llama_model_get_vocab(model);
        this.options = options;
        this.contextSize = options.contextSize();
        this.vocabSize = api.llama_vocab_n_tokens(vocab);
        this.batch = new TokenBatch(arena, contextSize);
    }

    /**
     * Opens {@code gguf} with the llama.cpp bundled in de.kherud:llama ({@link LlamaLibrary#bundled()})
     * and llama.cpp's default F16 KV cache.
     */
    public static LlamaCppNative open(Path gguf, int threads, int contextSize) {
        return open(LlamaLibrary.bundled(), gguf, ContextOptions.of(threads, contextSize));
    }

    /** Opens {@code gguf} with the llama.cpp bundled in de.kherud:llama ({@link LlamaLibrary#bundled()}). */
    public static LlamaCppNative open(Path gguf, ContextOptions options) {
        return open(LlamaLibrary.bundled(), gguf, options);
    }

    /**
     * Loads a GGUF model on the CPU (memory-mapped) with a context of {@code contextSize} tokens,
     * all of which may be evaluated in one batch.
     *
     * @throws LlamaCppException with a one-line reason when the file is missing, not GGUF, or
     *                           llama.cpp cannot load it or create the context
     */
    public static LlamaCppNative open(LlamaLibrary library, Path gguf, ContextOptions options) {
        ModelFileCheck.check(gguf);
        int contextSize = options.contextSize();
        LlamaApi api = library.api();
        Arena arena = Arena.ofShared();
        MemorySegment model = MemorySegment.NULL;
        MemorySegment context = MemorySegment.NULL;
        try {
            model = loadModel(api, arena, gguf, options.gpuLayers());
            context = createContext(api, arena, model, options, gguf);
            // llama.cpp may round n_ctx up (KV cache padding), never down; check rather than trust.
            int nCtx = api.llama_n_ctx(context);
            int nBatch = api.llama_n_batch(context);
            if (nCtx < contextSize || nBatch < contextSize) {
                throw new LlamaCppException("llama.cpp gave n_ctx " + nCtx + ", n_batch " + nBatch
                        + " for a requested " + contextSize);
            }
            return new LlamaCppNative(api, arena, model, context, options);
        } catch (RuntimeException e) {
            if (!MemorySegment.NULL.equals(context)) {
                api.llama_free(context);
            }
            if (!MemorySegment.NULL.equals(model)) {
                api.llama_model_free(model);
            }
            arena.close();
            throw e;
        }
    }

    private static MemorySegment loadModel(LlamaApi api, Arena arena, Path gguf, int gpuLayers) {
        MemorySegment params = api.llama_model_default_params(arena);
        params.set(JAVA_INT, LlamaLayouts.offset(LlamaLayouts.MODEL_PARAMS, "n_gpu_layers"), gpuLayers);
        params.set(JAVA_BOOLEAN, LlamaLayouts.offset(LlamaLayouts.MODEL_PARAMS, "use_mmap"), true);
        params.set(JAVA_BOOLEAN, LlamaLayouts.offset(LlamaLayouts.MODEL_PARAMS, "vocab_only"), false);
        MemorySegment path = arena.allocateFrom(gguf.toAbsolutePath().toString());
        NativeLog.clearError();
        MemorySegment model = api.llama_model_load_from_file(path, params);
        if (MemorySegment.NULL.equals(model)) {
            throw new LlamaCppException("llama.cpp could not load " + gguf + reason());
        }
        return model;
    }

    private static MemorySegment createContext(LlamaApi api, Arena arena, MemorySegment model,
                                               ContextOptions options, Path gguf) {
        int contextSize = options.contextSize();
        int threads = options.threads();
        MemorySegment params = api.llama_context_default_params(arena);
        params.set(JAVA_INT, LlamaLayouts.offset(LlamaLayouts.CONTEXT_PARAMS, "n_ctx"), contextSize);
        // The whole context fits one llama_decode call, so logits(tokens) is one batch.
        params.set(JAVA_INT, LlamaLayouts.offset(LlamaLayouts.CONTEXT_PARAMS, "n_batch"), contextSize);
        params.set(JAVA_INT, LlamaLayouts.offset(LlamaLayouts.CONTEXT_PARAMS, "n_ubatch"),
                Math.min(contextSize, MAX_UBATCH));
        params.set(JAVA_INT, LlamaLayouts.offset(LlamaLayouts.CONTEXT_PARAMS, "n_seq_max"), 1);
        params.set(JAVA_INT, LlamaLayouts.offset(LlamaLayouts.CONTEXT_PARAMS, "n_threads"), threads);
        params.set(JAVA_INT, LlamaLayouts.offset(LlamaLayouts.CONTEXT_PARAMS, "n_threads_batch"), threads);
        // Which tokens output logits is said per token in llama_batch.logits, not by logits_all.
        params.set(JAVA_BOOLEAN, LlamaLayouts.offset(LlamaLayouts.CONTEXT_PARAMS, "logits_all"), false);
        params.set(JAVA_BOOLEAN, LlamaLayouts.offset(LlamaLayouts.CONTEXT_PARAMS, "embeddings"), false);
        params.set(JAVA_BOOLEAN, LlamaLayouts.offset(LlamaLayouts.CONTEXT_PARAMS, "no_perf"), true);
        params.set(JAVA_INT, LlamaLayouts.offset(LlamaLayouts.CONTEXT_PARAMS, "type_k"), options.kvCache().ggmlType());
        params.set(JAVA_INT, LlamaLayouts.offset(LlamaLayouts.CONTEXT_PARAMS, "type_v"), options.kvCache().ggmlType());
        NativeLog.clearError();
        MemorySegment context = api.llama_init_from_model(model, params);
        if (MemorySegment.NULL.equals(context)) {
            throw new LlamaCppException("llama.cpp could not create a context of " + contextSize + " tokens for "
                    + gguf + reason());
        }
        return context;
    }

    /** Number of tokens in the vocabulary; logits have this length. */
    public int vocabSize() {
        return vocabSize;
    }

    /** The context size asked for: at most this many tokens fit in the KV cache. */
    public int contextSize() {
        return contextSize;
    }

    public ContextOptions options() {
        return options;
    }

    /** Beginning-of-sequence token, or -1 if the vocabulary has none. */
    public synchronized int bos() {
        ensureOpen();
        return api.llama_vocab_bos(vocab);
    }

    /** End-of-sequence token, or -1 if the vocabulary has none. */
    public synchronized int eos() {
        ensureOpen();
        return api.llama_vocab_eos(vocab);
    }

    /** Whether {@link #tokenize} with {@code addSpecial} puts BOS in front. */
    public synchronized boolean addsBos() {
        ensureOpen();
        return api.llama_vocab_get_add_bos(vocab);
    }

    /** Whether {@code token} ends generation (EOS, EOT, ...: {@code llama_vocab_is_eog}). */
    public synchronized boolean isEndOfGeneration(int token) {
        ensureOpen();
        checkToken(token);
        return api.llama_vocab_is_eog(vocab, token);
    }

    public synchronized int embeddingLength() {
        ensureOpen();
        return api.llama_model_n_embd(model);
    }

    public synchronized int layerCount() {
        ensureOpen();
        return api.llama_model_n_layer(model);
    }

    /** Tokens now in the KV cache (the position the next token will take). */
    public synchronized int position() {
        return position;
    }

    /**
     * Evaluates {@code tokens} as one sequence from an empty KV cache, in one batch, and returns the
     * logits at every position: {@code [i]} is the distribution of the token after {@code tokens[0..i]}.
     * The cache then holds {@code tokens}, so {@link #next(int)} can continue it.
     */
    public synchronized float[][] logits(int[] tokens) {
        ensureOpen();
        checkTokens(tokens, 0);
        clearCache();
        decode(tokens, true);
        float[][] out = new float[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            out[i] = outputLogits(i);
        }
        return out;
    }

    /**
     * Appends {@code tokens} to the sequence in the KV cache, in one batch, and returns the logits
     * after the last of them.
     */
    public synchronized float[] append(int[] tokens) {
        ensureOpen();
        checkTokens(tokens, position);
        decode(tokens, false);
        return outputLogits(tokens.length - 1);
    }

    /** Appends one token to the sequence in the KV cache and returns the logits after it. */
    public float[] next(int token) {
        return append(new int[] {token});
    }

    /** Empties the KV cache: the next evaluation starts a new sequence at position 0. */
    public synchronized void reset() {
        ensureOpen();
        clearCache();
    }

    private void decode(int[] tokens, boolean allLogits) {
        MemorySegment struct = batch.fill(tokens, position, allLogits);
        NativeLog.clearError();
        int rc = api.llama_decode(context, struct);
        if (rc != 0) {
            // A failed batch may have left part of itself in the cache: start over rather than guess.
            clearCache();
            throw new LlamaCppException("llama_decode returned " + rc + " for " + tokens.length
                    + " tokens at position " + position + reason() + "; the KV cache was cleared");
        }
        position += tokens.length;
    }

    /** Copies the logits of the {@code i}-th token of the last batch out of llama.cpp. */
    private float[] outputLogits(int i) {
        MemorySegment logits = api.llama_get_logits_ith(context, i);
        if (MemorySegment.NULL.equals(logits)) {
            throw new LlamaCppException("llama.cpp has no logits for batch index " + i + reason());
        }
        return logits.reinterpret((long) vocabSize * Float.BYTES).toArray(JAVA_FLOAT);
    }

    private void clearCache() {
        api.llama_kv_self_clear(context);
        position = 0;
    }

    private void checkTokens(int[] tokens, int at) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("no tokens to evaluate");
        }
        if ((long) at + tokens.length > contextSize) {
            throw new IllegalArgumentException(tokens.length + " tokens at position " + at
                    + " exceed the context of " + contextSize);
        }
        for (int token : tokens) {
            checkToken(token);
        }
    }

    /** llama.cpp indexes its vocabulary with {@code .at()}: an id out of range would abort the JVM. */
    void checkToken(int token) {
        if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException("token " + token + " is outside the vocabulary [0, " + vocabSize + ")");
        }
    }

    private static String reason() {
        String error = NativeLog.lastError();
        return error.isEmpty() ? "" : ": " + error;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("llama.cpp model is closed");
        }
    }

    /** The llama.h functions and this model's vocabulary, for the tests' tokenizer oracle. */
    LlamaApi api() {
        return api;
    }

    MemorySegment vocab() {
        return vocab;
    }

    /** Frees the context, the model and this instance's native memory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        api.llama_free(context);
        api.llama_model_free(model);
        arena.close();
    }
}
