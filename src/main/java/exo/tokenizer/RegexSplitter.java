package exo.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pre-tokenizer regex without a hand-coded twin, run as llama.cpp's {@code unicode_regex_split}
 * runs it with std::regex, so that the pieces are the same:
 * <ul>
 * <li>An expression using \p{L}, \p{N}, \p{P}, \p{M} or \p{S} runs on the "collapsed" text: each
 * code point of 128 or more becomes one byte naming its class (letter 0xD2, number 0xD1,
 * punctuation 0xD3, accent mark 0xD4, symbol 0xD5, whitespace \v, anything else 0xD0), and each
 * \p{X} in the expression becomes that byte plus the ASCII members of the class as llama.cpp
 * lists them: marks have none, and '~' is in neither punctuation nor symbols (DeepSeek V3's
 * expression relies on both classes).</li>
 * <li>Any other expression runs on the code points themselves, non-ASCII whitespace replaced by
 * \v (std::wregex's \s is ASCII-only).</li>
 * </ul>
 * Either way {@code \s} is ASCII whitespace, as Java's default (non-UNICODE_CHARACTER_CLASS)
 * {@code \s} is, and each piece is matched on its own: the matcher's region ends at the piece, so
 * a lookahead such as {@code (?!\S)} sees the piece's end as the end of the text.
 */
final class RegexSplitter implements Splitter {
    private static final String[][] CATEGORIES = {
            // {expression, collapsed byte + its ASCII members} (llama.cpp k_ucat_cpt, k_ucat_map)
            {"\\p{N}", CodepointFlags.COLLAPSED_NUMBER + "0-9"},
            {"\\p{L}", CodepointFlags.COLLAPSED_LETTER + "A-Za-z"},
            {"\\p{P}", CodepointFlags.COLLAPSED_PUNCTUATION + "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}"},
            {"\\p{M}", String.valueOf(CodepointFlags.COLLAPSED_ACCENT_MARK)},
            {"\\p{S}", CodepointFlags.COLLAPSED_SYMBOL + "\\$\\+<->^`\\|"},
    };

    private final Pattern pattern;
    private final boolean collapsed;

    private RegexSplitter(Pattern pattern, boolean collapsed) {
        this.pattern = pattern;
        this.collapsed = collapsed;
    }

    /** The splitter llama.cpp would use for {@code expression}: hand-coded where it has one. */
    static Splitter of(String expression) {
        if (expression.equals(Gpt2Splitter.EXPRESSION)) {
            return new Gpt2Splitter();
        }
        if (expression.equals(Llama3Splitter.EXPRESSION) || expression.equals(Llama3Splitter.EXPRESSION_CASE_INSENSITIVE)) {
            return new Llama3Splitter();
        }
        if (expression.equals(KimiK2Splitter.TRIGGER)) {
            return new KimiK2Splitter();
        }
        boolean usesCategories = false;
        for (String[] c : CATEGORIES) {
            usesCategories |= expression.contains(c[0]);
        }
        if (!usesCategories) {
            return new RegexSplitter(Pattern.compile(expression), false);
        }
        if (!expression.chars().allMatch(ch -> ch < 128)) {
            throw new IllegalArgumentException("regex mixes unicode categories and non-ASCII characters: " + expression);
        }
        return new RegexSplitter(Pattern.compile(collapseExpression(expression)), true);
    }

    /** llama.cpp's regex_expr_collapsed: \p{X} becomes [byte + ASCII members], or no brackets inside a class. */
    static String collapseExpression(String expr) {
        StringBuilder out = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '[' && (i == 0 || expr.charAt(i - 1) != '\\')) {
                out.append('[');
                inside = true;
                continue;
            }
            if (inside && c == ']' && expr.charAt(i - 1) != '\\') {
                out.append(']');
                inside = false;
                continue;
            }
            String replacement = null;
            if (c == '\\' && i + 4 < expr.length() && expr.charAt(i + 1) == 'p' && expr.charAt(i + 2) == '{'
                    && expr.charAt(i + 4) == '}') {
                String pat = expr.substring(i, i + 5);
                for (String[] cat : CATEGORIES) {
                    if (cat[0].equals(pat)) {
                        replacement = cat[1];
                    }
                }
            }
            if (replacement != null) {
                out.append(inside ? replacement : "[" + replacement + "]");
                i += 4;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public IntList split(int[] cps, IntList pieces) {
        // Both forms keep one Java char per code point except supplementary code points of the
        // uncollapsed text, so positions are mapped back to code point counts.
        String text = collapsed ? collapsedText(cps) : wideText(cps);
        IntList out = new IntList(pieces.size() * 4);
        int startChar = 0;
        Matcher m = pattern.matcher(text);
        for (int p = 0; p < pieces.size(); p++) {
            int lenCp = pieces.get(p);
            int endChar = collapsed ? startChar + lenCp : text.offsetByCodePoints(startChar, lenCp);
            m.region(startChar, endChar);
            int prev = startChar; // char index of the end of the last match
            while (m.find()) {
                if (m.end() == m.start()) {
                    continue; // an empty match adds an empty piece in llama.cpp, which yields no tokens
                }
                if (m.start() > prev) {
                    out.add(cpCount(text, prev, m.start()));
                }
                out.add(cpCount(text, m.start(), m.end()));
                prev = m.end();
            }
            if (prev < endChar) {
                out.add(cpCount(text, prev, endChar));
            }
            startChar = endChar;
        }
        return out;
    }

    private int cpCount(String text, int from, int to) {
        return collapsed ? to - from : text.codePointCount(from, to);
    }

    private static String collapsedText(int[] cps) {
        char[] out = new char[cps.length];
        for (int i = 0; i < cps.length; i++) {
            out[i] = cps[i] < 128 ? (char) cps[i] : CodepointFlags.collapse(cps[i]);
        }
        return new String(out);
    }

    private static String wideText(int[] cps) {
        StringBuilder sb = new StringBuilder(cps.length);
        for (int cp : cps) {
            sb.appendCodePoint(cp > 0x7F && CodepointFlags.isWhitespace(cp) ? 0x0B : cp);
        }
        return sb.toString();
    }
}
