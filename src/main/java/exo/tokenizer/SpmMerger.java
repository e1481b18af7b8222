package exo.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

/**
 * SentencePiece BPE by score, as llama.cpp's {@code llm_tokenizer_spm_session}: start from one
 * symbol per character, repeatedly merge the adjacent pair whose concatenation is the
 * highest-scoring token (leftmost on ties), then emit each symbol's token, or its UTF-8 bytes as
 * byte tokens ({@code <0xXX>}) when the symbol is not in the vocabulary.
 */
final class SpmMerger {
    private final Vocabulary vocab;

    SpmMerger(Vocabulary vocab) {
        this.vocab = vocab;
    }

    private record Bigram(int left, int right, float score, int size) {
    }

    /** Tokenizes {@code text}, whose spaces are already "▁", appending to {@code out}. */
    void tokenize(String text, IntList out) {
        int n = text.codePointCount(0, text.length());
        if (n == 0) {
            return;
        }
        int[] start = new int[n]; // char offset of each symbol
        int[] len = new int[n];   // its length in chars, 0 once merged into its left neighbour
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, off = 0; i < n; i++) {
            int cp = text.codePointAt(off);
            start[i] = off;
            len[i] = Character.charCount(cp);
            off += len[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // highest score first, then the leftmost (llm_bigram_spm::comparator)
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.score != b.score
                ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            tryAddBigram(text, start, len, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            // stale when either side has been merged since the pair was queued
            if (len[b.left] == 0 || len[b.right] == 0 || len[b.left] + len[b.right] != b.size) {
                continue;
            }
            len[b.left] += len[b.right];
            len[b.right] = 0;
            next[b.left] = next[b.right];
            if (next[b.right] >= 0) {
                prev[next[b.right]] = b.left;
            }
            tryAddBigram(text, start, len, prev[b.left], b.left, queue);
            tryAddBigram(text, start, len, b.left, next[b.left], queue);
        }
        for (int i = 0; i != -1; i = next[i]) {
            emit(text.substring(start[i], start[i] + len[i]), out);
        }
    }

    private void tryAddBigram(String text, int[] start, int[] len, int left, int right, PriorityQueue<Bigram> queue) {
        if (left == -1 || right == -1) {
            return;
        }
        int size = len[left] + len[right];
        int id = vocab.id(text.substring(start[left], start[left] + size));
        if (id == Vocabulary.NO_TOKEN) {
            return;
        }
        queue.add(new Bigram(left, right, vocab.score(id), size));
    }

    /**
     * llama.cpp's resegment. Its rev_merge branch never applies: every merged symbol is a token,
     * and an unmerged symbol is one character while rev_merge keys are two or more.
     */
    private void emit(String symbol, IntList out) {
        int id = vocab.id(symbol);
        if (id != Vocabulary.NO_TOKEN) {
            out.add(id);
            return;
        }
        for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
            out.add(byteToken(b & 0xFF));
        }
    }

    /**
     * llama_vocab::byte_to_token: {@code <0xXX>}, else the byte as a one-character token. Where
     * neither exists llama.cpp aborts; here the unknown token stands in.
     */
    private int byteToken(int b) {
        int id = vocab.id(String.format("<0x%02X>", b));
        if (id == Vocabulary.NO_TOKEN && b < 0x80) {
            id = vocab.id(String.valueOf((char) b));
        }
        if (id == Vocabulary.NO_TOKEN) {
            id = vocab.unk;
        }
        if (id == Vocabulary.NO_TOKEN) {
            throw new IllegalArgumentException(String.format(
                    "the vocabulary has no token for byte 0x%02X and no unknown token", b));
        }
        return id;
    }
}
