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
        return SplitPiece.cutEach(cps, pieces, Llama3Splitter::cut);
    }

    private static void cut(SplitPiece w) {
        for (int pos = w.ini; pos < w.end; ) {
            int contraction = w.contraction(pos, true); // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if (contraction > 0) {
                pos += w.addToken(pos + contraction);
                continue;
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            int cpt = w.cpt(pos);
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
            pos = w.cutNumbersPunctuationOrSpaces(pos);
        }
    }
}
