package exo.tokenizer;

/**
 * Kimi K2's pre-tokenizer, hand-coded as newer llama.cpp's
 * {@code unicode_regex_split_custom_kimi_k2} does it (b4916 does not know it). It stands for
 * the tiktoken expression
 * {@code [\p{Han}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}&&[^\p{Han}]]*[\p{Ll}\p{Lm}\p{Lo}\p{M}&&[^\p{Han}]]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|...|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+},
 * with llama.cpp's simplifications, kept here so that the pieces agree with it: a word is a
 * run of non-Han letters whatever their case, and combining marks (\p{M}) do not extend it.
 * llama.cpp recognises the pre-tokenizer by its one expression {@link #TRIGGER}.
 */
final class KimiK2Splitter implements Splitter {
    /** The expression llama.cpp lists for kimi-k2, which routes to the hand-written splitter. */
    static final String TRIGGER = "\\p{Han}+";

    @Override
    public IntList split(int[] cps, IntList pieces) {
        IntList out = new IntList(pieces.size() * 4);
        int start = 0;
        for (int p = 0; p < pieces.size(); p++) {
            Gpt2Splitter.Piece w = new Gpt2Splitter.Piece(cps, start, start + pieces.get(p), out);
            start += pieces.get(p);
            for (int pos = w.ini; pos < w.end; ) {
                int cpt = w.cpt(pos);
                if (isHan(cpt)) { // [\p{Han}]+
                    while (isHan(w.cpt(pos))) {
                        pos++;
                    }
                    w.addToken(pos);
                    continue;
                }
                // [^\r\n\p{L}\p{N}]? then non-Han letters, then an optional contraction
                boolean leadingCandidate = !(cpt == '\r' || cpt == '\n' || w.letter(cpt) || w.number(cpt));
                if (wordLetter(w, cpt) || leadingCandidate && wordLetter(w, w.cpt(pos + 1))) {
                    if (leadingCandidate) {
                        pos++;
                    }
                    while (wordLetter(w, w.cpt(pos))) {
                        pos++;
                    }
                    pos += contraction(w, pos);
                    w.addToken(pos);
                    continue;
                }
                if (w.number(cpt)) { // \p{N}{1,3}
                    int ini = pos;
                    while (w.number(w.cpt(pos))) {
                        if (++pos - ini >= 3) {
                            w.addToken(pos);
                            ini = pos;
                        }
                    }
                    w.addToken(pos);
                    continue;
                }
                int c2 = cpt == ' ' ? w.cpt(pos + 1) : cpt; // <space>?[^\s\p{L}\p{N}]+[\r\n]*
                if (w.other(c2)) {
                    pos += cpt == ' ' ? 1 : 0;
                    while (w.other(w.cpt(pos))) {
                        pos++;
                    }
                    int c = w.cpt(pos);
                    while (c == '\r' || c == '\n') {
                        c = w.cpt(++pos);
                    }
                    w.addToken(pos);
                    continue;
                }
                int spaces = 0;
                int lastEndROrN = 0;
                while (w.space(w.cpt(pos + spaces))) {
                    int c = w.cpt(pos + spaces);
                    if (c == '\r' || c == '\n') {
                        lastEndROrN = pos + spaces + 1;
                    }
                    spaces++;
                }
                if (lastEndROrN > 0) { // \s*[\r\n]+
                    pos = lastEndROrN;
                    w.addToken(pos);
                    continue;
                }
                if (spaces > 1 && w.cpt(pos + spaces) != Gpt2Splitter.Piece.OUT_OF_RANGE) { // \s+(?!\S)
                    pos += spaces - 1;
                    w.addToken(pos);
                    continue;
                }
                if (spaces > 0) { // \s+
                    pos += spaces;
                    w.addToken(pos);
                    continue;
                }
                w.addToken(++pos);
            }
        }
        return out;
    }

    private static boolean wordLetter(Gpt2Splitter.Piece w, int cp) {
        return w.letter(cp) && !isHan(cp);
    }

    /** Code points of an optional contraction 's 't 'm 'd 're 've 'll (any case) at {@code pos}: 0, 2 or 3. */
    private static int contraction(Gpt2Splitter.Piece w, int pos) {
        if (w.cpt(pos) != '\'' || pos + 1 >= w.end) {
            return 0;
        }
        int next = lower(w.cpt(pos + 1));
        if (next == 's' || next == 't' || next == 'm' || next == 'd') {
            return 2;
        }
        if (pos + 2 < w.end) {
            int nextNext = lower(w.cpt(pos + 2));
            if (next == 'r' && nextNext == 'e' || next == 'v' && nextNext == 'e' || next == 'l' && nextNext == 'l') {
                return 3;
            }
        }
        return 0;
    }

    private static int lower(int cp) {
        return cp < 0 ? cp : Character.toLowerCase(cp);
    }

    /** llama.cpp's unicode_cpt_is_han: the CJK unified and compatibility ideograph blocks. */
    static boolean isHan(int cp) {
        return cp >= 0x4E00 && cp <= 0x9FFF || cp >= 0x3400 && cp <= 0x4DBF || cp >= 0x20000 && cp <= 0x2A6DF
                || cp >= 0x2A700 && cp <= 0x2B73F || cp >= 0x2B740 && cp <= 0x2B81F || cp >= 0x2B820 && cp <= 0x2CEAF
                || cp >= 0x2CEB0 && cp <= 0x2EBEF || cp >= 0xF900 && cp <= 0xFAFF || cp >= 0x2F800 && cp <= 0x2FA1F;
    }
}
