package exo.engine;

import exo.topology.Shard;

/**
 * The seam between a node and the model: runs one shard (layers [start, end) of a model)
 * for many sessions, each with its own KV cache. A head shard takes token ids, a middle or tail
 * shard takes the hidden state of the shard before it; a tail shard returns logits, every
 * other shard the hidden state. A whole-model shard does all three.
 */
public interface InferenceEngine extends AutoCloseable {

    Shard shard();

    /** Width of the hidden state passed between shards. */
    int embeddingLength();

    int vocabSize();

    /** The most positions one session may hold. */
    int contextLength();

    /**
     * Runs {@code input} at positions [position, position + input.count()) of {@code session}.
     * A position below the session's current length rewinds it there first (a replay or an
     * edited conversation); a position past it is an error.
     *
     * @param allLogits on a tail shard, return logits for every input position rather than
     *                  only the last (for verification; costs vocab floats per position)
     */
    Activations forward(String session, int position, Activations input, boolean allLogits);

    default Activations forward(String session, int position, Activations input) {
        return forward(session, position, input, false);
    }

    /** Positions held for {@code session}; 0 when unknown. */
    int sessionLength(String session);

    /** Frees {@code session}'s KV cache. Unknown sessions are ignored. */
    void release(String session);

    @Override
    void close();
}
