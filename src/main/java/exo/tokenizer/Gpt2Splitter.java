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
        return SplitPiece.cutEach(cps, pieces, Gpt2Splitter::cut);
    }

    private static void cut(SplitPiece w) {
        for (int pos = w.ini; pos < w.end; ) {
            int contraction = w.contraction(pos, false); // 's|'t|'re|'ve|'m|'ll|'d
            if (contraction > 0) {
                pos += w.addToken(pos + contraction);
                continue;
            }
            int cpt = w.cpt(pos);
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
            pos = w.cutSpaces(pos, false); // \s+(?!\S)|\s+
        }
    }
}
