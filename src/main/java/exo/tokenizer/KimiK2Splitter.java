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
        return SplitPiece.cutEach(cps, pieces, KimiK2Splitter::cut);
    }

    private static void cut(SplitPiece w) {
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
                pos += w.contraction(pos, true);
                w.addToken(pos);
                continue;
            }
            pos = w.cutNumbersPunctuationOrSpaces(pos);
        }
    }

    private static boolean wordLetter(SplitPiece w, int cp) {
        return w.letter(cp) && !isHan(cp);
    }

    /** llama.cpp's unicode_cpt_is_han: the CJK unified and compatibility ideograph blocks. */
    static boolean isHan(int cp) {
        return cp >= 0x4E00 && cp <= 0x9FFF || cp >= 0x3400 && cp <= 0x4DBF || cp >= 0x20000 && cp <= 0x2A6DF
                || cp >= 0x2A700 && cp <= 0x2B73F || cp >= 0x2B740 && cp <= 0x2B81F || cp >= 0x2B820 && cp <= 0x2CEAF
                || cp >= 0x2CEB0 && cp <= 0x2EBEF || cp >= 0xF900 && cp <= 0xFAFF || cp >= 0x2F800 && cp <= 0x2FA1F;
    }
}
