package exo.engine.llamacpp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A {@code struct llama_batch} (llama.h b4916) of up to {@code capacity} tokens of sequence 0, built
 * in a caller's arena rather than with {@code llama_batch_init}/{@code llama_batch_free}, so that
 * its memory goes with the arena. Reused for every decode; not thread-safe.
 */
final class TokenBatch {

    private final int capacity;
    private final MemorySegment struct;
    private final MemorySegment token;  // llama_token[capacity]
    private final MemorySegment pos;    // llama_pos[capacity]
    private final MemorySegment logits; // int8_t[capacity]

    TokenBatch(Arena arena, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.struct = arena.allocate(LlamaLayouts.BATCH); // zeroed: embd stays NULL
        this.token = arena.allocate(JAVA_INT, capacity);
        this.pos = arena.allocate(JAVA_INT, capacity);
        this.logits = arena.allocate(JAVA_BYTE, capacity);
        // Every token belongs to exactly one sequence, 0: n_seq_id[i] = 1, seq_id[i] -> {0}.
        MemorySegment nSeqId = arena.allocate(JAVA_INT, capacity);
        MemorySegment seqIds = arena.allocate(ADDRESS, capacity);
        MemorySegment sequenceZero = arena.allocate(JAVA_INT);
        for (int i = 0; i < capacity; i++) {
            nSeqId.setAtIndex(JAVA_INT, i, 1);
            seqIds.setAtIndex(ADDRESS, i, sequenceZero);
        }
        struct.set(ADDRESS, LlamaLayouts.offset(LlamaLayouts.BATCH, "token"), token);
        struct.set(ADDRESS, LlamaLayouts.offset(LlamaLayouts.BATCH, "pos"), pos);
        struct.set(ADDRESS, LlamaLayouts.offset(LlamaLayouts.BATCH, "n_seq_id"), nSeqId);
        struct.set(ADDRESS, LlamaLayouts.offset(LlamaLayouts.BATCH, "seq_id"), seqIds);
        struct.set(ADDRESS, LlamaLayouts.offset(LlamaLayouts.BATCH, "logits"), logits);
    }

    int capacity() {
        return capacity;
    }

    /**
     * Fills the batch with {@code tokens} at positions {@code firstPosition, firstPosition + 1, ...}.
     * With {@code allLogits} every token outputs logits, otherwise only the last.
     *
     * @return the struct, to pass by value to {@code llama_decode}
     */
    MemorySegment fill(int[] tokens, int firstPosition, boolean allLogits) {
        int n = tokens.length;
        if (n < 1 || n > capacity) {
            throw new IllegalArgumentException(n + " tokens for a batch of capacity " + capacity);
        }
        MemorySegment.copy(tokens, 0, token, JAVA_INT, 0, n);
        for (int i = 0; i < n; i++) {
            pos.setAtIndex(JAVA_INT, i, firstPosition + i);
            logits.set(JAVA_BYTE, i, (byte) (allLogits || i == n - 1 ? 1 : 0));
        }
        struct.set(JAVA_INT, LlamaLayouts.offset(LlamaLayouts.BATCH, "n_tokens"), n);
        return struct;
    }
}
