package exo.tokenizer;

/**
 * The character classes llama.cpp's pre-tokenizers test ({@code unicode_cpt_flags} in
 * llama.cpp's unicode.cpp). llama.cpp generates its table with Python's {@code regex} module:
 * \p{L}, \p{N}, \p{P} are Unicode general categories, and whitespace is the 25 code points of
 * the Unicode White_Space property (not 0x1C..0x1F, which Python's str.isspace() would add).
 * Java's {@link Character#getType} gives the same categories (from a possibly newer Unicode).
 */
final class CodepointFlags {
    /** One byte per category in llama.cpp's "collapsed" text (unicode_regex_split, k_ucat_cpt). */
    static final char COLLAPSED_OTHER = 0xD0;
    static final char COLLAPSED_NUMBER = 0xD1;
    static final char COLLAPSED_LETTER = 0xD2;
    static final char COLLAPSED_PUNCTUATION = 0xD3;
    static final char COLLAPSED_ACCENT_MARK = 0xD4;
    static final char COLLAPSED_SYMBOL = 0xD5;

    private CodepointFlags() {
    }

    static boolean isLetter(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> true;
            default -> false;
        };
    }

    static boolean isNumber(int cp) {
        return switch (Character.getType(cp)) {
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    static boolean isPunctuation(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    static boolean isAccentMark(int cp) {
        return switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK -> true;
            default -> false;
        };
    }

    static boolean isSymbol(int cp) {
        return switch (Character.getType(cp)) {
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL ->
                    true;
            default -> false;
        };
    }

    /** Unicode White_Space, as llama.cpp's unicode_set_whitespace lists it. */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    /** llama.cpp's collapsed byte for a code point of 128 or more. */
    static char collapse(int cp) {
        if (isWhitespace(cp)) {
            return 0x0B; // llama.cpp: std::regex \s does not match non-ASCII spaces, so they become \v
        }
        if (isNumber(cp)) {
            return COLLAPSED_NUMBER;
        }
        if (isLetter(cp)) {
            return COLLAPSED_LETTER;
        }
        if (isPunctuation(cp)) {
            return COLLAPSED_PUNCTUATION;
        }
        if (isAccentMark(cp)) {
            return COLLAPSED_ACCENT_MARK;
        }
        if (isSymbol(cp)) {
            return COLLAPSED_SYMBOL;
        }
        return COLLAPSED_OTHER;
    }
}
