package exo.grammar;

import exo.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A model's vocabulary as the grammar mask needs it: every token's bytes in a byte trie, laid
 * out in depth-first order so a mask is one pass over flat arrays that skips a whole subtree
 * as soon as its prefix is rejected. Built once per tokenizer (a few hundred milliseconds for
 * 100k tokens; keep it with the model, e.g. through {@link TokenVocabularyCache}); immutable
 * and shared between generations.
 *
 * <p>End-of-generation tokens are kept apart (the mask allows them where the grammar is
 * complete). Control and unknown tokens ({@link Tokenizer#tokenBytes(int, boolean)} empty
 * without special rendering) are in the trie under their text but marked special: a mask
 * allows one only when the constraint names its text, e.g. a family's {@code <tool_call>}
 * marker, so a model cannot write {@code <|im_start|>} inside a JSON string.
 */
public final class TokenVocabulary {
    private final int size;
    private final byte[][] bytes;
    private final boolean[] special;
    private final int[] endOfGeneration;
    // the trie, nodes in depth-first order; node 0 is the root
    final byte[] label;
    final int[] depth;
    final int[] subtreeEnd;
    final int[] tokensFrom;
    final int[] tokensTo;
    /** Token ids in byte order; node n ends the tokens sortedIds[tokensFrom[n] .. tokensTo[n]). */
    final int[] sortedIds;
    final int maxDepth;

    private TokenVocabulary(int size, byte[][] bytes, boolean[] special, int[] endOfGeneration) {
        this.size = size;
        this.bytes = bytes;
        this.special = special;
        this.endOfGeneration = endOfGeneration;
        List<Integer> ids = new ArrayList<>();
        boolean[] eog = new boolean[size];
        for (int e : endOfGeneration) {
            eog[e] = true;
        }
        for (int id = 0; id < size; id++) {
            if (!eog[id] && bytes[id].length > 0) {
                ids.add(id);
            }
        }
        Integer[] sorted = ids.toArray(Integer[]::new);
        Arrays.sort(sorted, (a, b) -> {
            int c = Arrays.compareUnsigned(bytes[a], bytes[b]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        this.sortedIds = new int[sorted.length];
        int totalBytes = 1;
        for (int i = 0; i < sorted.length; i++) {
            sortedIds[i] = sorted[i];
            totalBytes += bytes[sorted[i]].length;
        }
        byte[] lab = new byte[totalBytes];
        int[] dep = new int[totalBytes];
        int[] from = new int[totalBytes];
        int[] to = new int[totalBytes];
        int longest = 0;
        for (int i = 0; i < sorted.length; i++) {
            longest = Math.max(longest, bytes[sortedIds[i]].length);
        }
        int[] nodeAtDepth = new int[longest + 1];
        int nodes = 1;
        byte[] prev = new byte[0];
        for (int i = 0; i < sortedIds.length; i++) {
            byte[] b = bytes[sortedIds[i]];
            int lcp = Math.min(prev.length, b.length);
            int mismatch = Arrays.mismatch(prev, 0, lcp, b, 0, lcp);
            if (mismatch >= 0) {
                lcp = mismatch;
            }
            for (int d = lcp + 1; d <= b.length; d++) {
                lab[nodes] = b[d - 1];
                dep[nodes] = d;
                nodeAtDepth[d] = nodes;
                nodes++;
            }
            int node = nodeAtDepth[b.length];
            if (to[node] == from[node]) {
                from[node] = i;
            }
            to[node] = i + 1;
            prev = b;
        }
        this.label = Arrays.copyOf(lab, nodes);
        this.depth = Arrays.copyOf(dep, nodes);
        this.tokensFrom = Arrays.copyOf(from, nodes);
        this.tokensTo = Arrays.copyOf(to, nodes);
        this.subtreeEnd = new int[nodes];
        int[] open = new int[longest + 2];
        int top = 0;
        for (int n = 0; n < nodes; n++) {
            while (top > 0 && depth[open[top - 1]] >= depth[n]) {
                subtreeEnd[open[--top]] = n;
            }
            open[top++] = n;
        }
        while (top > 0) {
            subtreeEnd[open[--top]] = nodes;
        }
        this.maxDepth = longest;
    }

    /** Reads every token of {@code tokenizer}. */
    public static TokenVocabulary of(Tokenizer tokenizer) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        int n = tokenizer.vocabSize();
        byte[][] bytes = new byte[n][];
        boolean[] special = new boolean[n];
        List<Integer> eog = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            if (tokenizer.isEndOfGeneration(id)) {
                eog.add(id);
                bytes[id] = new byte[0];
                continue;
            }
            byte[] shown = tokenizer.tokenBytes(id, true);
            bytes[id] = shown == null ? new byte[0] : shown;
            special[id] = bytes[id].length > 0 && tokenizer.tokenBytes(id, false).length == 0;
        }
        return new TokenVocabulary(n, bytes, special, eog.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * A vocabulary from plain pieces, for tests and tools without a tokenizer: token i is
     * {@code pieces.get(i)} in UTF-8; {@code endOfGeneration} lists the stop tokens.
     */
    public static TokenVocabulary ofPieces(List<String> pieces, int... endOfGeneration) {
        byte[][] bytes = new byte[pieces.size()][];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = pieces.get(i).getBytes(StandardCharsets.UTF_8);
        }
        for (int e : endOfGeneration) {
            bytes[e] = new byte[0];
        }
        return new TokenVocabulary(bytes.length, bytes, new boolean[bytes.length], endOfGeneration.clone());
    }

    public int size() {
        return size;
    }

    /** The bytes token {@code id} writes (empty for end-of-generation tokens). */
    public byte[] bytes(int id) {
        return bytes[id];
    }

    /** A control or unknown token, allowed only when a constraint names its text. */
    public boolean isSpecial(int id) {
        return special[id];
    }

    public boolean isEndOfGeneration(int id) {
        for (int e : endOfGeneration) {
            if (e == id) {
                return true;
            }
        }
        return false;
    }

    public int[] endOfGeneration() {
        return endOfGeneration.clone();
    }

    /** The special tokens whose text is exactly {@code text} (usually none or one). */
    public int[] specialTokens(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return java.util.stream.IntStream.range(0, size).filter(id -> special[id] && Arrays.equals(bytes[id], b)).toArray();
    }

    /** The number of trie nodes (root included): the most work one mask can take. */
    public int trieNodes() {
        return label.length;
    }
}
