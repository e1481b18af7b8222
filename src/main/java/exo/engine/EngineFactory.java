package exo.engine;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens the engine that runs a slice of a model, so that what hosts slices (a node's shard
 * host, the tail of a ring, a command) need not know which engine computes them.
 */
public interface EngineFactory {

    /**
     * Opens layers [start, end) of {@code file} ({@code end = -1}: through the last layer);
     * {@code contextLength} 0 takes the model's own.
     */
    InferenceEngine open(Path file, int start, int end, int contextLength) throws IOException;

    /** The engine and where it computes, for the person: "ggml (CPU, 2 threads)". */
    String describe();
}
