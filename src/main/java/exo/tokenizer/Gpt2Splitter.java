package exo.tokenizer;

/**
 * The GPT-2 pre-tokenizer regex
 * {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}
 * hand-coded as llama.cpp's {@code unicode_regex_split_custom_gpt2} does it (which llama.cpp
 * uses instead of a regex engine whenever a vocabulary asks for exactly this expression).
 */
final class Gpt2Splitter implements Splitter {
    static final String EXPRESSION = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

    @Override
    public IntList split(int[] cps, IntList pieces) {
        IntList out = new IntList(pieces.size() * 4);
        int start = 0;
        for (int p = 0; p < pieces.size(); p++) {
            Piece w = new Piece(cps, start, start + pieces.get(p), out);
            start += pieces.get(p);
            for (int pos = w.ini; pos < w.end; ) {
                int cpt = w.cpt(pos);
                if (cpt == '\'' && pos + 1 < w.end) {
                    int next = w.cpt(pos + 1);
                    if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                        pos += w.addToken(pos + 2);
                        continue;
                    }
                    if (pos + 2 < w.end) {
                        int nextNext = w.cpt(pos + 2);
                        if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e')
                                || (next == 'l' && nextNext == 'l')) {
                            pos += w.addToken(pos + 3);
                            continue;
                        }
                    }
                }
                int c2 = cpt == ' ' ? w.cpt(pos + 1) : cpt;
                if (w.letter(c2)) { // <space>?\p{L}+
                    pos += cpt == ' ' ? 1 : 0;
                    while (w.letter(w.cpt(pos))) {
                        pos++;
                    }
                    w.addToken(pos);
                    continue;
                }
                if (w.number(c2)) { // <space>?\p{N}+
                    pos += cpt == ' ' ? 1 : 0;
                    while (w.number(w.cpt(pos))) {
                        pos++;
                    }
                    w.addToken(pos);
                    continue;
                }
                if (w.other(c2)) { // <space>?[^\s\p{L}\p{N}]+
                    pos += cpt == ' ' ? 1 : 0;
                    while (w.other(w.cpt(pos))) {
                        pos++;
                    }
                    w.addToken(pos);
                    continue;
                }
                int spaces = 0;
                while (w.space(w.cpt(pos + spaces))) {
                    spaces++;
                }
                if (spaces > 1 && w.cpt(pos + spaces) != Piece.OUT_OF_RANGE) { // \s+(?!\S)
                    pos += spaces - 1;
                    w.addToken(pos);
                    continue;
                }
                if (spaces > 0) { // \s+
                    pos += spaces;
                    w.addToken(pos);
                    continue;
                }
                w.addToken(++pos); // no match: one code point on its own
            }
        }
        return out;
    }

    /** One piece being cut: llama.cpp's _get_cpt / _get_flags / _add_token lambdas. */
    static final class Piece {
        static final int OUT_OF_RANGE = -1;
        private final int[] cps;
        final int ini;
        final int end;
        private final IntList out;
        private int prevEnd;

        Piece(int[] cps, int ini, int end, IntList out) {
            this.cps = cps;
            this.ini = ini;
            this.end = end;
            this.out = out;
            this.prevEnd = ini;
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
    }
}
