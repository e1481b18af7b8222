package exo.tokenizer;

import java.util.PriorityQueue;

/**
 * Byte-level BPE of one pre-tokenized word, as llama.cpp's {@code llm_tokenizer_bpe_session}:
 * start from one symbol per byte (in GPT-2's byte-to-character form), repeatedly merge the
 * adjacent pair with the lowest merge rank (leftmost on ties), then emit each symbol's token.
 */
final class BpeMerger {
    private final Vocabulary vocab;

    BpeMerger(Vocabulary vocab) {
        this.vocab = vocab;
    }

    private record Bigram(int left, int right, String text, int rank) {
    }

    /** Tokenizes one word in byte-to-character form, appending to {@code out}. */
    void tokenize(String word, IntList out) {
        int n = word.length();
        if (n == 0) {
            return;
        }
        if (vocab.bpe.ignoreMerges() && vocab.id(word) != Vocabulary.NO_TOKEN) {
            out.add(vocab.id(word)); // llama.cpp ignore_merges: a word that is a token stays whole
            return;
        }
        // every character of the mapped form is one byte of the input, and one BMP char
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            len[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.rank != b.rank
                ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            addBigram(word, len, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            if (len[b.left] == 0 || len[b.right] == 0) {
                continue;
            }
            if (!word.startsWith(b.text, b.left) || len[b.left] + len[b.right] != b.text.length()) {
                continue; // outdated: a side has changed since the pair was queued
            }
            len[b.left] += len[b.right];
            len[b.right] = 0;
            next[b.left] = next[b.right];
            if (next[b.right] >= 0) {
                prev[next[b.right]] = b.left;
            }
            addBigram(word, len, prev[b.left], b.left, queue);
            addBigram(word, len, b.left, next[b.left], queue);
        }
        for (int i = 0; i != -1; i = next[i]) {
            String symbol = word.substring(i, i + len[i]);
            int id = vocab.id(symbol);
            if (id != Vocabulary.NO_TOKEN) {
                out.add(id);
                continue;
            }
            // llama.cpp looks up each UTF-8 byte of the symbol on its own; only ASCII characters
            // of the mapped form can be one-byte tokens, anything else is dropped
            for (int k = 0; k < symbol.length(); k++) {
                char c = symbol.charAt(k);
                int single = c < 0x80 ? vocab.id(String.valueOf(c)) : Vocabulary.NO_TOKEN;
                if (single != Vocabulary.NO_TOKEN) {
                    out.add(single);
                }
            }
        }
    }

    private void addBigram(String word, int[] len, int left, int right, PriorityQueue<Bigram> queue) {
        if (left == -1 || right == -1) {
            return;
        }
        String l = word.substring(left, left + len[left]);
        String r = word.substring(right, right + len[right]);
        int rank = vocab.mergeRank(l, r);
        if (rank >= 0) {
            queue.add(new Bigram(left, right, l + r, rank));
        }
    }
}
