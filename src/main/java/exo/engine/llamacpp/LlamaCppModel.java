package exo.engine.llamacpp;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * A whole GGUF model run by llama.cpp through the de.kherud:llama 4.2.0 bindings (CPU only),
 * with greedy generation that reports the exact token ids. It is the reference the Java engine
 * is compared with, token for token.
 *
 * <p>How ids get in and out, given that 4.2.0's Java API speaks text: prompts go to llama.cpp as
 * a JSON array of ids ({@link GreedyRequest}), and the sampled ids are read from llama.cpp's
 * debug log ({@link TokenLog}). Costs of the latter: llama.cpp writes that debug log to stderr
 * as well (about 20 lines per token), and its log is process-wide, so only the most recently
 * opened instance in a JVM can report ids.
 *
 * <p>Requests are serialized ({@code synchronized}): the bindings run one llama.cpp server slot.
 */
public final class LlamaCppModel implements AutoCloseable {

    /** How long {@link #close()} waits for the native teardown; see there. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long llama.cpp's log may lag behind a finished request: {@code complete} returns once
     * the server has sent its result, and the log is written by a worker thread soon after.
     */
    private static final Duration LOG_TIMEOUT = Duration.ofSeconds(10);

    private final LlamaModel model;
    private final TokenLog log;
    private final Path logFile;
    private final int contextSize;
    private final int bos;
    private boolean closed;

    private LlamaCppModel(LlamaModel model, TokenLog log, Path logFile, int contextSize) {
        this.model = model;
        this.log = log;
        this.logFile = logFile;
        this.contextSize = contextSize;
        this.bos = discoverBos();
    }

    /**
     * Loads a GGUF model on the CPU.
     *
     * @throws LlamaCppException with a one-line reason when the file is missing, is not GGUF, or
     *                           llama.cpp cannot load it
     */
    public static LlamaCppModel open(Path gguf, int threads, int contextSize) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (contextSize < 1) {
            throw new IllegalArgumentException("contextSize must be >= 1, got " + contextSize);
        }
        GgufFileCheck.check(gguf);
        Path logFile;
        try {
            logFile = Files.createTempFile("exo-llamacpp-", ".log");
        } catch (IOException e) {
            throw new LlamaCppException("cannot create llama.cpp's log file: " + e.getMessage(), e);
        }
        ModelParameters parameters = new ModelParameters()
                .setModel(gguf.toAbsolutePath().toString())
                .setThreads(threads)
                .setThreadsBatch(threads)
                .setCtxSize(contextSize)
                .setParallel(1)
                .setGpuLayers(0)
                // Level 1 enables the per-token debug lines that carry the sampled ids.
                .setLogVerbosity(1)
                .setLogFile(logFile.toString());
        LlamaModel model;
        try {
            model = new LlamaModel(parameters);
        } catch (RuntimeException e) { // the bindings' LlamaException is not public
            deleteQuietly(logFile);
            throw new LlamaCppException("llama.cpp could not load " + gguf + ": " + e.getMessage(), e);
        }
        return new LlamaCppModel(model, new TokenLog(logFile), logFile, contextSize);
    }

    public int contextSize() {
        return contextSize;
    }

    /** The BOS id llama.cpp adds in front of a text prompt, or -1 if this vocabulary adds none. */
    public int bos() {
        return bos;
    }

    /**
     * Tokenizes as llama.cpp's {@code common_tokenize} with {@code parse_special = true}: text
     * such as {@code "<s>"} becomes the special token. With {@code addBos}, prepends {@link #bos()}
     * when the vocabulary has one.
     */
    public synchronized int[] tokenize(String text, boolean addBos) {
        ensureOpen();
        int[] ids = model.encode(text);
        if (!addBos || bos < 0) {
            return ids;
        }
        int[] withBos = new int[ids.length + 1];
        withBos[0] = bos;
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    /** Concatenated pieces, special tokens rendered as their text ({@code "<s>"}), leading space kept. */
    public synchronized String detokenize(int[] ids) {
        ensureOpen();
        return model.decode(ids);
    }

    /** Greedy continuation of {@code prompt} tokenized with BOS. */
    public int[] generateGreedy(String prompt, int maxTokens) {
        return generateGreedy(tokenize(prompt, true), maxTokens);
    }

    /**
     * Greedy (arg-max) continuation of a prompt given as token ids, evaluated from an empty KV
     * cache so that runs are reproducible. Stops after {@code maxTokens} or after an end-of-
     * generation token, which is then the last id returned.
     */
    public synchronized int[] generateGreedy(int[] promptIds, int maxTokens) {
        ensureOpen();
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        // llama.cpp would otherwise shift the context and drop early tokens, silently.
        if (promptIds.length + maxTokens > contextSize) {
            throw new IllegalArgumentException("prompt (" + promptIds.length + ") + maxTokens (" + maxTokens
                    + ") exceeds the context of " + contextSize);
        }
        return run(GreedyRequest.of(promptIds, maxTokens, false), promptIds).generated();
    }

    /**
     * Teacher forcing: for each position {@code i} of {@code tokens}, the token llama.cpp ranks
     * first after reading {@code tokens[0..i]}. Probabilities are not available through the
     * 4.2.0 bindings (asking for them aborts the JVM; see {@link GreedyRequest}).
     *
     * <p>One one-token request per position; llama.cpp's prompt cache keeps the shared prefix, so
     * each request evaluates about one new token.
     */
    public synchronized int[] teacherForcedArgmax(int[] tokens) {
        ensureOpen();
        if (tokens.length > contextSize) {
            throw new IllegalArgumentException(tokens.length + " tokens exceed the context of " + contextSize);
        }
        int[] top = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            int[] prefix = Arrays.copyOf(tokens, i + 1);
            int[] next = run(GreedyRequest.of(prefix, 1, true), prefix).generated();
            if (next.length != 1) {
                throw new LlamaCppException("llama.cpp logged " + next.length + " tokens for a one-token request");
            }
            top[i] = next[0];
        }
        return top;
    }

    private TokenLog.Task run(InferenceParameters request, int[] promptIds) {
        try {
            model.complete(request);
        } catch (RuntimeException e) {
            throw new LlamaCppException("llama.cpp completion failed: " + e.getMessage(), e);
        }
        TokenLog.Task task = log.awaitNextTask(LOG_TIMEOUT);
        // The log must show the prompt we sent; anything else means we read someone else's task.
        if (!task.promptMatches(promptIds)) {
            throw new LlamaCppException("llama.cpp's log shows task " + task.id() + " with a different prompt");
        }
        return task;
    }

    /** Asks llama.cpp to tokenize an empty text prompt with its special tokens: BOS or nothing. */
    private int discoverBos() {
        InferenceParameters request = new InferenceParameters("").setNPredict(1).setTopK(1).setTemperature(0f);
        try {
            model.complete(request);
        } catch (RuntimeException e) {
            return -1; // llama.cpp refuses an empty prompt: the vocabulary adds no BOS
        }
        TokenLog.Task task = log.awaitNextTask(LOG_TIMEOUT);
        return task.promptLength() == 1 && task.promptHead().length == 1 ? task.promptHead()[0] : -1;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("llama.cpp model is closed");
        }
    }

    /**
     * Frees the native model, waiting at most {@link #CLOSE_TIMEOUT}.
     *
     * <p>Why not just {@code LlamaModel.close()}: it was seen to hang after generation (it stops
     * the server's task loop and joins native state). It runs on a daemon thread so that a hang
     * costs only that thread and the memory it holds, never the caller or JVM exit.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Thread closer = Thread.ofPlatform().daemon().name("llama.cpp-close").start(model::close);
        try {
            if (!closer.join(CLOSE_TIMEOUT)) {
                System.err.println("exo: llama.cpp did not free its model within " + CLOSE_TIMEOUT.toSeconds()
                        + " s; left to a daemon thread");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteQuietly(logFile);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }
}
