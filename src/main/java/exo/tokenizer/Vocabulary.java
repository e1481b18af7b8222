package exo.tokenizer;

import java.util.BitSet;
import java.util.Map;

/**
 * A loaded vocabulary: token texts, scores and attributes, the special token ids and the flags
 * that steer tokenizing, as llama.cpp's {@code llama_vocab::impl} holds them after loading.
 * Immutable once {@link VocabularyReader} has built it.
 */
final class Vocabulary {
    static final int NO_TOKEN = -1; // LLAMA_TOKEN_NULL

    enum Kind { SPM, BPE }

    /** Each token's text, score and attributes, and the id of each text. */
    record Tokens(String[] texts, float[] scores, int[] attrs, Map<String, Integer> ids) {
        int size() {
            return texts.length;
        }
    }

    /** The ids with a role in tokenizing and generating ({@link #NO_TOKEN} where a model has none). */
    record SpecialIds(int bos, int eos, int eot, int unk) {
    }

    /** How text becomes tokens: the begin/end tokens added, the leading space, cleaning up spaces. */
    record Flags(boolean addBos, boolean addEos, boolean addSpacePrefix, boolean cleanSpaces) {
    }

    final Kind kind;
    private final String[] texts;
    private final float[] scores;
    private final int[] attrs;
    private final Map<String, Integer> ids;
    /** BPE merge ranks keyed by "left right" (both sides are byte-encoded, so neither holds a space). */
    private final Map<String, Integer> mergeRanks;
    final BpeSettings bpe; // null for SPM
    final int bos;
    final int eos;
    final int eot;
    final int unk;
    final boolean addBos;
    final boolean addEos;
    final boolean addSpacePrefix;
    final boolean cleanSpaces;
    /** Control, user-defined and unknown tokens, longest text first (cache_special_tokens). */
    private final int[] specialTokens;
    private final BitSet endOfGeneration;

    Vocabulary(Kind kind, Tokens tokens, Map<String, Integer> mergeRanks, BpeSettings bpe, SpecialIds special,
               Flags flags, int[] specialTokens, BitSet endOfGeneration) {
        this.kind = kind;
        this.texts = tokens.texts();
        this.scores = tokens.scores();
        this.attrs = tokens.attrs();
        this.ids = Map.copyOf(tokens.ids());
        this.mergeRanks = Map.copyOf(mergeRanks);
        this.bpe = bpe;
        this.bos = special.bos();
        this.eos = special.eos();
        this.eot = special.eot();
        this.unk = special.unk();
        this.addBos = flags.addBos();
        this.addEos = flags.addEos();
        this.addSpacePrefix = flags.addSpacePrefix();
        this.cleanSpaces = flags.cleanSpaces();
        this.specialTokens = specialTokens.clone();
        this.endOfGeneration = (BitSet) endOfGeneration.clone();
    }

    int size() {
        return texts.length;
    }

    String text(int id) {
        return texts[check(id)];
    }

    float score(int id) {
        return scores[check(id)];
    }

    int attr(int id) {
        return attrs[check(id)];
    }

    boolean has(int id, int attrMask) {
        return (attrs[check(id)] & attrMask) != 0;
    }

    /** The id of the token with exactly this text, or {@link #NO_TOKEN}. */
    int id(String text) {
        Integer id = ids.get(text);
        return id == null ? NO_TOKEN : id;
    }

    /** The BPE rank of merging {@code left} and {@code right}, or -1 (llama.cpp find_bpe_rank). */
    int mergeRank(String left, String right) {
        Integer r = mergeRanks.get(left + ' ' + right);
        return r == null ? -1 : r;
    }

    int specialTokenCount() {
        return specialTokens.length;
    }

    int specialToken(int i) {
        return specialTokens[i];
    }

    boolean isEndOfGeneration(int id) {
        return id >= 0 && endOfGeneration.get(id);
    }

    int check(int id) {
        if (id < 0 || id >= texts.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + texts.length + ")");
        }
        return id;
    }
}
