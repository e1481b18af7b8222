package exo.engine.ggml.graph;

import java.lang.foreign.MemorySegment;

/**
 * One session's KV cache as attention reads and writes it (F16), laid out as llama.cpp lays
 * out its unified cache: per layer, K is position-major rows of {@link #keyRowBytes()}; V, where
 * there is one, is stored transposed: one row of {@link #valueRowBytes()} per value dimension.
 */
public interface LayerCache {
    MemorySegment keys(int layer);

    /** Layer {@code layer}'s values, or NULL when the values are read from the keys (a cached latent). */
    MemorySegment values(int layer);

    /** Bytes of one K row (one position). */
    long keyRowBytes();

    /** Bytes of one V row (one dimension across the capacity's positions). */
    long valueRowBytes();
}
