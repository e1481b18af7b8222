package exo.tokenizer;

import java.util.function.Consumer;

/**
 * One piece being cut by a hand-coded pre-tokenizer: llama.cpp's {@code _get_cpt},
 * {@code _get_flags} and {@code _add_token} lambdas, and the alternatives its custom GPT-2,
 * Llama 3 and Kimi K2 splitters write out alike.
 */
final class SplitPiece {
    static final int OUT_OF_RANGE = -1;
    private final int[] cps;
    final int ini;
    final int end;
    private final IntList out;
    private int prevEnd;

    private SplitPiece(int[] cps, int ini, int end, IntList out) {
        this.cps = cps;
        this.ini = ini;
        this.end = end;
        this.out = out;
        this.prevEnd = ini;
    }

    /** Cuts each of {@code pieces} of {@code cps} with {@code cut}; the lengths of the new pieces. */
    static IntList cutEach(int[] cps, IntList pieces, Consumer<SplitPiece> cut) {
        IntList out = new IntList(pieces.size() * 4);
        int start = 0;
        for (int p = 0; p < pieces.size(); p++) {
            cut.accept(new SplitPiece(cps, start, start + pieces.get(p), out));
            start += pieces.get(p);
        }
        return out;
    }

    int cpt(int pos) {
        return pos >= ini && pos < end ? cps[pos] : OUT_OF_RANGE;
    }

    int addToken(int tokenEnd) {
        int len = tokenEnd - prevEnd;
        if (len > 0) {
            out.add(len);
        }
        prevEnd = tokenEnd;
        return len;
    }

    boolean letter(int cp) {
        return cp != OUT_OF_RANGE && CodepointFlags.isLetter(cp);
    }

    boolean number(int cp) {
        return cp != OUT_OF_RANGE && CodepointFlags.isNumber(cp);
    }

    boolean space(int cp) {
        return cp != OUT_OF_RANGE && CodepointFlags.isWhitespace(cp);
    }

    /** [^\s\p{L}\p{N}] for a code point inside the piece (llama.cpp: "&& flags.as_uint()"). */
    boolean other(int cp) {
        return cp != OUT_OF_RANGE && !space(cp) && !letter(cp) && !number(cp);
    }

    /**
     * Code points of a contraction 's 't 'm 'd 're 've 'll at {@code pos}: 0 (none), 2 or 3.
     * llama.cpp's GPT-2 splitter matches lower case only, Llama 3's and Kimi K2's any case.
     */
    int contraction(int pos, boolean anyCase) {
        if (cpt(pos) != '\'' || pos + 1 >= end) {
            return 0;
        }
        int next = fold(cpt(pos + 1), anyCase);
        if (next == 's' || next == 't' || next == 'm' || next == 'd') {
            return 2;
        }
        if (pos + 2 < end) {
            int nextNext = fold(cpt(pos + 2), anyCase);
            if (next == 'r' && nextNext == 'e' || next == 'v' && nextNext == 'e' || next == 'l' && nextNext == 'l') {
                return 3;
            }
        }
        return 0;
    }

    private static int fold(int cp, boolean anyCase) {
        return anyCase && cp >= 0 ? Character.toLowerCase(cp) : cp;
    }

    /**
     * The alternatives Llama 3 and Kimi K2 end with, from {@code pos} (at a code point no earlier
     * alternative matched):
     * {@code \p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}, else the one code
     * point alone. Returns the position after what was cut.
     */
    int cutNumbersPunctuationOrSpaces(int pos) {
        int cpt = cpt(pos);
        if (number(cpt)) { // \p{N}{1,3}
            int ini = pos;
            while (number(cpt(pos))) {
                if (++pos - ini >= 3) {
                    addToken(pos);
                    ini = pos;
                }
            }
            addToken(pos);
            return pos;
        }
        // <space>?[^\s\p{L}\p{N}]+[\r\n]*  (llama.cpp's Llama 3 splitter tests the current code
        // point for "has flags" here, so a lone trailing space also takes this branch; Kimi K2's
        // leaves it to \s+: the same one-space token either way)
        int c2 = cpt == ' ' ? cpt(pos + 1) : cpt;
        if (!(space(c2) || letter(c2) || number(c2))) {
            pos += cpt == ' ' ? 1 : 0;
            while (other(cpt(pos))) {
                pos++;
            }
            int c = cpt(pos);
            while (c == '\r' || c == '\n') {
                c = cpt(++pos);
            }
            addToken(pos);
            return pos;
        }
        return cutSpaces(pos, true);
    }

    /**
     * {@code \s*[\r\n]+} when {@code newlineRunFirst}, then {@code \s+(?!\S)|\s+}, from
     * {@code pos}; else the one code point at {@code pos} alone. Returns the position after what
     * was cut.
     */
    int cutSpaces(int pos, boolean newlineRunFirst) {
        int spaces = 0;
        int lastEndROrN = 0;
        while (space(cpt(pos + spaces))) {
            int c = cpt(pos + spaces);
            if (newlineRunFirst && (c == '\r' || c == '\n')) {
                lastEndROrN = pos + spaces + 1;
            }
            spaces++;
        }
        if (lastEndROrN > 0) { // \s*[\r\n]+
            pos = lastEndROrN;
            addToken(pos);
            return pos;
        }
        if (spaces > 1 && cpt(pos + spaces) != OUT_OF_RANGE) { // \s+(?!\S)
            pos += spaces - 1;
            addToken(pos);
            return pos;
        }
        if (spaces > 0) { // \s+
            pos += spaces;
            addToken(pos);
            return pos;
        }
        addToken(++pos); // no match: one code point on its own
        return pos;
    }
}
