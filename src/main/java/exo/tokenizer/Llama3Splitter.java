package exo.tokenizer;

/**
 * The Llama 3 pre-tokenizer regex
 * {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}
 * hand-coded as llama.cpp's {@code unicode_regex_split_custom_llama3} does it, quirks included.
 */
final class Llama3Splitter implements Splitter {
    /** The tokenizer.json form, and the case-expanded form llama.cpp's vocabulary code uses. */
    static final String EXPRESSION_CASE_INSENSITIVE =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String EXPRESSION =
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    @Override
    public IntList split(int[] cps, IntList pieces) {
        IntList out = new IntList(pieces.size() * 4);
        int start = 0;
        for (int p = 0; p < pieces.size(); p++) {
            Gpt2Splitter.Piece w = new Gpt2Splitter.Piece(cps, start, start + pieces.get(p), out);
            start += pieces.get(p);
            for (int pos = w.ini; pos < w.end; ) {
                int cpt = w.cpt(pos);
                if (cpt == '\'' && pos + 1 < w.end) { // (?i:'s|'t|'re|'ve|'m|'ll|'d)
                    int next = lower(w.cpt(pos + 1));
                    if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                        pos += w.addToken(pos + 2);
                        continue;
                    }
                    if (pos + 2 < w.end) {
                        int nextNext = lower(w.cpt(pos + 2));
                        if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e')
                                || (next == 'l' && nextNext == 'l')) {
                            pos += w.addToken(pos + 3);
                            continue;
                        }
                    }
                }
                // [^\r\n\p{L}\p{N}]?\p{L}+
                if (!(cpt == '\r' || cpt == '\n' || w.number(cpt))) {
                    if (w.letter(cpt) || w.letter(w.cpt(pos + 1))) {
                        pos++;
                        while (w.letter(w.cpt(pos))) {
                            pos++;
                        }
                        w.addToken(pos);
                        continue;
                    }
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
                // <space>?[^\s\p{L}\p{N}]+[\r\n]*  (llama.cpp tests the current code point for
                // "has flags" here, so a lone trailing space also takes this branch; same result)
                int c2 = cpt == ' ' ? w.cpt(pos + 1) : cpt;
                if (!(w.space(c2) || w.letter(c2) || w.number(c2))) {
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

    private static int lower(int cp) {
        return cp < 0 ? cp : Character.toLowerCase(cp);
    }
}
