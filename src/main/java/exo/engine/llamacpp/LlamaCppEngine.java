package exo.engine.llamacpp;

import exo.gguf.GgufFormatException;

import exo.InvalidInputException;

import exo.engine.Activations;
import exo.engine.InferenceEngine;
import exo.gguf.GgufFile;
import exo.topology.Shard;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * llama.cpp behind the engine seam, for a node that holds a whole model. llama.cpp cannot
 * start or stop at an arbitrary layer, so a partial shard is refused. One native context
 * serves every session: the engine keeps each session's tokens and, when another session
 * comes in, replays that session's tokens into the cleared cache (cheap next to decoding, and
 * only when sessions interleave).
 */
public final class LlamaCppEngine implements InferenceEngine {
    private final LlamaCppNative llama;
    private final Shard shard;
    private final Map<String, int[]> sessions = new HashMap<>();
    private String resident; // the session whose tokens the native cache holds

    private LlamaCppEngine(LlamaCppNative llama, Shard shard) {
        this.llama = llama;
        this.shard = shard;
    }

    /**
     * Opens {@code path} for layers [start, end); anything but the whole model is refused.
     * The header is read by exo's GGUF reader first (one-line errors, exit code 2).
     */
    public static LlamaCppEngine open(Path path, int start, int end, ContextOptions options) throws IOException {
        // The header is enough here; LlamaCppNative.open checks the tensors lie inside the file.
        var metadata = GgufFile.readHeader(path).metadata();
        String arch = metadata.getString("general.architecture").orElse("?");
        int layers = metadata.getInt(arch + ".block_count").orElseThrow(() ->
                new GgufFormatException(path.getFileName() + " lacks " + arch + ".block_count"));
        String name = metadata.getString("general.name").orElse(path.getFileName().toString());
        int last = end < 0 ? layers : end;
        Shard shard = new Shard(name, start, last, layers);
        if (!shard.isWhole()) {
            throw new InvalidInputException("engine", "the llama.cpp engine runs whole models only; layers [" + start + ", "
                    + last + ") of " + layers + " need the java engine");
        }
        return new LlamaCppEngine(LlamaCppNative.open(path, options), shard);
    }

    @Override
    public Shard shard() {
        return shard;
    }

    @Override
    public int embeddingLength() {
        return llama.embeddingLength();
    }

    @Override
    public int vocabSize() {
        return llama.vocabSize();
    }

    @Override
    public int contextLength() {
        return llama.contextSize();
    }

    @Override
    public synchronized int sessionLength(String session) {
        int[] t = sessions.get(session);
        return t == null ? 0 : t.length;
    }

    @Override
    public synchronized void release(String session) {
        sessions.remove(session);
        if (session.equals(resident)) {
            resident = null;
        }
    }

    @Override
    public synchronized Activations forward(String session, int position, Activations input, boolean allLogits) {
        if (!(input instanceof Activations.Tokens tokens)) {
            throw new IllegalArgumentException("the llama.cpp engine takes token ids, not " + input.getClass().getSimpleName());
        }
        int[] held = sessions.getOrDefault(session, new int[0]);
        if (position < 0 || position > held.length) {
            throw new IllegalStateException("session " + session + " holds " + held.length
                    + " positions; cannot run from position " + position);
        }
        int[] ids = tokens.ids();
        if (position + ids.length > llama.contextSize()) {
            throw new IllegalArgumentException("the prompt needs " + (position + ids.length)
                    + " positions but the context holds " + llama.contextSize());
        }
        int[] all = Arrays.copyOf(held, position + ids.length);
        System.arraycopy(ids, 0, all, position, ids.length);
        int vocab = llama.vocabSize();
        float[] out;
        boolean continues = session.equals(resident) && position == llama.position();
        if (allLogits) {
            // All-position logits come from one batch over the session's tokens from an empty cache.
            float[][] rows = llama.logits(all);
            int count = allLogits ? ids.length : 1;
            out = new float[count * vocab];
            for (int i = 0; i < count; i++) {
                System.arraycopy(rows[all.length - count + i], 0, out, i * vocab, vocab);
            }
        } else if (continues) {
            out = llama.append(ids);
        } else {
            // Another session (or a rewind) was in the cache: replay this session's tokens.
            llama.reset();
            out = llama.append(all);
        }
        resident = session;
        sessions.put(session, all);
        return new Activations.Logits(out, out.length / vocab, vocab);
    }

    @Override
    public synchronized void close() {
        sessions.clear();
        llama.close();
    }
}
