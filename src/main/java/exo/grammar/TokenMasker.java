package exo.grammar;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Which tokens of a vocabulary may come next from a {@link MatchState}: one depth-first pass
 * over the vocabulary's byte trie, each node's state the parent's state advanced by the node's
 * byte, a rejected node skipping its whole subtree. States are merged while walking (inside a
 * JSON string, nearly every node reaches the same state) and each merged state's transitions
 * are remembered, so most nodes cost one array lookup. Not thread-safe: its scratch tables are
 * reused from one mask to the next; one masker per generation.
 */
public final class TokenMasker {
    private static final int UNKNOWN = 0;
    private static final int DEAD = -1;

    private final TokenVocabulary vocab;
    private final Map<MatchState, Integer> ids = new HashMap<>();
    private MatchState[] states = new MatchState[64];
    /** transitions[state * 256 + byte]: the next state's id + 1, or DEAD, or UNKNOWN. */
    private int[] transitions = new int[64 * 256];
    private int stateCount;
    private final int[] stateAtDepth;
    private long nodesVisited;

    public TokenMasker(TokenVocabulary vocab) {
        this.vocab = vocab;
        this.stateAtDepth = new int[vocab.maxDepth + 1];
    }

    public TokenVocabulary vocabulary() {
        return vocab;
    }

    /**
     * Marks in {@code allowed} (cleared first, at least {@code vocab.size()} bits) the tokens
     * that may follow {@code state}: ordinary tokens whose bytes the grammar accepts from
     * there, special tokens also in {@code allowedSpecial} (null for none), and
     * end-of-generation tokens where the grammar is complete.
     */
    public void allowed(MatchState state, BitSet allowedSpecial, BitSet allowed) {
        allowed.clear();
        if (state.isComplete()) {
            for (int e : vocab.endOfGeneration()) {
                allowed.set(e);
            }
        }
        if (!state.canContinue()) {
            return;
        }
        reset();
        stateAtDepth[0] = intern(state);
        byte[] label = vocab.label;
        int[] depth = vocab.depth;
        int[] subtreeEnd = vocab.subtreeEnd;
        int[] from = vocab.tokensFrom;
        int[] to = vocab.tokensTo;
        int[] sorted = vocab.sortedIds;
        int nodes = label.length;
        long visited = 0;
        int n = 1;
        while (n < nodes) {
            visited++;
            int parent = stateAtDepth[depth[n] - 1];
            int b = label[n] & 0xFF;
            int t = transitions[parent * 256 + b];
            if (t == UNKNOWN) {
                MatchState next = states[parent].advanceByte((byte) b);
                t = next == null ? DEAD : intern(next) + 1;
                transitions[parent * 256 + b] = t;
            }
            if (t == DEAD) {
                n = subtreeEnd[n];
                continue;
            }
            stateAtDepth[depth[n]] = t - 1;
            for (int i = from[n]; i < to[n]; i++) {
                int id = sorted[i];
                if (!vocab.isSpecial(id) || (allowedSpecial != null && allowedSpecial.get(id))) {
                    allowed.set(id);
                }
            }
            n++;
        }
        nodesVisited += visited;
    }

    /** Trie nodes visited by all masks so far (for benchmarks). */
    public long nodesVisited() {
        return nodesVisited;
    }

    private void reset() {
        Arrays.fill(transitions, 0, stateCount * 256, UNKNOWN);
        Arrays.fill(states, 0, stateCount, null);
        ids.clear();
        stateCount = 0;
    }

    private int intern(MatchState s) {
        Integer id = ids.get(s);
        if (id != null) {
            return id;
        }
        if (stateCount == states.length) {
            states = Arrays.copyOf(states, stateCount * 2);
            transitions = Arrays.copyOf(transitions, stateCount * 2 * 256);
        }
        states[stateCount] = s;
        ids.put(s, stateCount);
        return stateCount++;
    }
}
