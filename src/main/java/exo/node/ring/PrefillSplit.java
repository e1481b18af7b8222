package exo.node.ring;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a prompt is cut into the forwards that cross the ring.
 *
 * <p>Micro-batches let the nodes of a pipeline ring work at once: while node 2 computes chunk 1,
 * node 1 computes chunk 2. With k chunks over n equal stages a prompt takes about (k + n - 1) / k
 * of one stage's whole-prompt time instead of n of them, so a prompt is cut into about
 * {@value #CHUNKS_PER_NODE} chunks per node, none under {@value #MIN_CHUNK} positions (below that
 * each chunk's graph and hop cost more than the overlap saves).
 *
 * <p>The cut must not change the answer. On a CPU, ggml's chunks of two or more positions give the
 * bits of the prompt run whole, for every weight type (PrefillChunksTest); a chunk of one position
 * does not (a one-column product takes another kernel than a wider one), and the Java engine's
 * results never depend on the batch. Chunks here are near-equal and at least {@value #MIN_CHUNK}/2
 * positions, never one. GPU backends choose kernels by batch size, so a
 * ring with a GPU node (or a node whose engine is not known) sends prompts cut only where a frame
 * must be ({@link #frames}), as before.
 */
final class PrefillSplit {
    /** Chunks per node of the ring: the pipeline's fill and drain cost 1/k of the prompt each. */
    static final int CHUNKS_PER_NODE = 4;
    /** Positions per chunk at least. */
    static final int MIN_CHUNK = 16;
    /**
     * Positions per chunk at most: the engines' own micro-batch (llama.cpp's n_ubatch), so that no
     * engine cuts a chunk again, perhaps one position off its end.
     */
    static final int MAX_CHUNK = 512;

    /** Positions [from, to) of the prompt. */
    record Chunk(int from, int to) {
        Chunk {
            if (from < 0 || to <= from) {
                throw new IllegalArgumentException("chunk [" + from + ", " + to + ") is empty");
            }
        }

        int count() {
            return to - from;
        }
    }

    private PrefillSplit() {
    }

    /** Cut only where a frame must be: chunks of {@code perFrame} positions (a multiple of 512 where it can). */
    static List<Chunk> frames(int length, int perFrame) {
        check(length, perFrame);
        List<Chunk> out = new ArrayList<>();
        for (int from = 0; from < length; from += perFrame) {
            out.add(new Chunk(from, Math.min(length, from + perFrame)));
        }
        return out;
    }

    /** Near-equal micro-batches for a ring of {@code nodes}, each at most {@code perFrame} positions. */
    static List<Chunk> microBatches(int length, int nodes, int perFrame) {
        check(length, perFrame);
        if (nodes < 1) {
            throw new IllegalArgumentException("a ring has at least one node, not " + nodes);
        }
        int size = Math.min(Math.min(perFrame, MAX_CHUNK), Math.max(MIN_CHUNK, ceilDiv(length, CHUNKS_PER_NODE * nodes)));
        int count = ceilDiv(length, size);
        if (nodes == 1 || count < 2) {
            return frames(length, perFrame);
        }
        List<Chunk> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < count; i++) {
            int to = (int) ((long) length * (i + 1) / count);
            out.add(new Chunk(from, to));
            from = to;
        }
        return out;
    }

    private static void check(int length, int perFrame) {
        if (length < 1 || perFrame < 1) {
            throw new IllegalArgumentException("a prompt of " + length + " positions in frames of " + perFrame);
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
