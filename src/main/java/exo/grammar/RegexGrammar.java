package exo.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * The JSON string content a regular expression (a schema's {@code pattern}) matches, as a
 * grammar expression. The pattern is matched whole: leading {@code ^} and trailing {@code $}
 * are optional, and an unanchored pattern is treated as anchored (a string that matches whole
 * also contains a match, so the output still satisfies the schema). The subset: literals and
 * escapes ({@code \d \w \s \D \W \S \t \n \r \f \v \xHH \\uHHHH} and escaped punctuation),
 * {@code .} (anything but a line break), classes with ranges and negation, groups
 * ({@code (...)}, {@code (?:...)}, named groups), alternation, and the quantifiers
 * {@code * + ? {m} {m,} {m,n}} (lazy forms too, which match the same strings). Lookaround,
 * backreferences, word boundaries, inner anchors and Unicode properties are refused with a
 * {@link GrammarException}.
 */
final class RegexGrammar {
    private static final int MAX_REPEAT = 10_000;

    private final String pattern;
    private int pos;
    private int depth;

    private RegexGrammar(String pattern) {
        this.pattern = pattern;
    }

    static Expr contentOf(String pattern) {
        String p = pattern;
        int start = p.startsWith("^") ? 1 : 0;
        int end = p.endsWith("$") && !p.endsWith("\\$") ? p.length() - 1 : p.length();
        if (end < start) {
            end = start;
        }
        RegexGrammar r = new RegexGrammar(p.substring(start, end));
        Expr e = r.alternation();
        if (r.pos < r.pattern.length()) {
            throw r.error("unbalanced ')'");
        }
        return e;
    }

    private Expr alternation() {
        List<Expr> alts = new ArrayList<>();
        alts.add(sequence());
        while (pos < pattern.length() && pattern.charAt(pos) == '|') {
            pos++;
            alts.add(sequence());
        }
        return alts.size() == 1 ? alts.getFirst() : new Expr.Choice(alts);
    }

    private Expr sequence() {
        List<Expr> items = new ArrayList<>();
        while (pos < pattern.length()) {
            char c = pattern.charAt(pos);
            if (c == '|' || c == ')') {
                break;
            }
            Expr atom = atom();
            items.add(quantified(atom));
        }
        return items.size() == 1 ? items.getFirst() : new Expr.Sequence(items);
    }

    private Expr quantified(Expr atom) {
        while (pos < pattern.length()) {
            char c = pattern.charAt(pos);
            int min;
            int max;
            if (c == '*') {
                min = 0;
                max = Expr.Repeat.UNBOUNDED;
                pos++;
            } else if (c == '+') {
                min = 1;
                max = Expr.Repeat.UNBOUNDED;
                pos++;
            } else if (c == '?') {
                min = 0;
                max = 1;
                pos++;
            } else if (c == '{' && isQuantifierBrace()) {
                pos++;
                min = number();
                if (pattern.charAt(pos) == ',') {
                    pos++;
                    max = pattern.charAt(pos) == '}' ? Expr.Repeat.UNBOUNDED : number();
                } else {
                    max = min;
                }
                pos++; // '}'
                if (max != Expr.Repeat.UNBOUNDED && max < min) {
                    throw error("quantifier {" + min + "," + max + "} has its maximum below its minimum");
                }
                if (min > MAX_REPEAT || max > MAX_REPEAT) {
                    throw error("quantifier over " + MAX_REPEAT);
                }
            } else {
                return atom;
            }
            if (pos < pattern.length() && pattern.charAt(pos) == '?') {
                pos++; // lazy: the same strings
            } else if (pos < pattern.length() && pattern.charAt(pos) == '+') {
                throw error("possessive quantifiers are not supported");
            }
            atom = new Expr.Repeat(atom, min, max);
        }
        return atom;
    }

    private boolean isQuantifierBrace() {
        int i = pos + 1;
        int digits = 0;
        while (i < pattern.length() && Character.isDigit(pattern.charAt(i))) {
            i++;
            digits++;
        }
        if (digits == 0 || i >= pattern.length()) {
            return false;
        }
        if (pattern.charAt(i) == '}') {
            return true;
        }
        if (pattern.charAt(i) != ',') {
            return false;
        }
        i++;
        while (i < pattern.length() && Character.isDigit(pattern.charAt(i))) {
            i++;
        }
        return i < pattern.length() && pattern.charAt(i) == '}';
    }

    private int number() {
        int start = pos;
        while (pos < pattern.length() && Character.isDigit(pattern.charAt(pos))) {
            pos++;
        }
        if (pos - start > 6) {
            throw error("quantifier over " + MAX_REPEAT);
        }
        return Integer.parseInt(pattern.substring(start, pos));
    }

    private Expr atom() {
        char c = pattern.charAt(pos);
        switch (c) {
            case '(' -> {
                if (++depth > 200) {
                    throw error("groups nested more than 200 deep");
                }
                pos++;
                if (pattern.startsWith("?:", pos)) {
                    pos += 2;
                } else if (pattern.startsWith("?<", pos) && pos + 2 < pattern.length()
                        && pattern.charAt(pos + 2) != '=' && pattern.charAt(pos + 2) != '!') {
                    int close = pattern.indexOf('>', pos);
                    if (close < 0) {
                        throw error("unterminated group name");
                    }
                    pos = close + 1;
                } else if (pattern.startsWith("?", pos)) {
                    throw error("lookaround and inline flags are not supported");
                }
                Expr inner = alternation();
                if (pos >= pattern.length() || pattern.charAt(pos) != ')') {
                    throw error("unbalanced '('");
                }
                pos++;
                depth--;
                return inner;
            }
            case '[' -> {
                return chars(charClass());
            }
            case '.' -> {
                pos++;
                return chars(CharClass.ranges(new int[] {'\n', '\n', '\r', '\r'}, true));
            }
            case '^', '$' -> throw error("anchors are supported only at the start and end of the pattern");
            case '*', '+', '?' -> throw error("quantifier without anything to repeat");
            case '\\' -> {
                return chars(escape(false));
            }
            default -> {
                int cp = pattern.codePointAt(pos);
                pos += Character.charCount(cp);
                return chars(CharClass.of(cp));
            }
        }
    }

    private static Expr chars(CharClass set) {
        Expr e = JsonChars.of(set);
        if (e == null) {
            throw new GrammarException("pattern has a character class that matches nothing");
        }
        return e;
    }

    private CharClass charClass() {
        pos++; // '['
        boolean negated = false;
        if (pos < pattern.length() && pattern.charAt(pos) == '^') {
            negated = true;
            pos++;
        }
        List<Integer> bounds = new ArrayList<>();
        boolean first = true;
        while (true) {
            if (pos >= pattern.length()) {
                throw error("unterminated character class");
            }
            char c = pattern.charAt(pos);
            if (c == ']' && !first) {
                pos++;
                break;
            }
            first = false;
            if (c == '[' && pattern.startsWith("[:", pos)) {
                throw error("POSIX classes are not supported");
            }
            CharClass item;
            if (c == '\\') {
                item = escape(true);
            } else {
                int cp = pattern.codePointAt(pos);
                pos += Character.charCount(cp);
                item = CharClass.of(cp);
            }
            if (item.rangeCount() == 1 && item.rangeStart(0) == item.rangeEnd(0) && pos + 1 < pattern.length()
                    && pattern.charAt(pos) == '-' && pattern.charAt(pos + 1) != ']') {
                pos++;
                int hi;
                if (pattern.charAt(pos) == '\\') {
                    CharClass end = escape(true);
                    if (end.rangeCount() != 1 || end.rangeStart(0) != end.rangeEnd(0)) {
                        throw error("a range cannot end in a class escape");
                    }
                    hi = end.rangeStart(0);
                } else {
                    hi = pattern.codePointAt(pos);
                    pos += Character.charCount(hi);
                }
                if (hi < item.rangeStart(0)) {
                    throw error("character range is backwards");
                }
                bounds.add(item.rangeStart(0));
                bounds.add(hi);
            } else {
                for (int i = 0; i < item.rangeCount(); i++) {
                    bounds.add(item.rangeStart(i));
                    bounds.add(item.rangeEnd(i));
                }
            }
        }
        return CharClass.ranges(bounds.stream().mapToInt(Integer::intValue).toArray(), negated);
    }

    /** One escape at {@code pos} (the backslash), as the set of characters it stands for. */
    private CharClass escape(boolean inClass) {
        if (pos + 1 >= pattern.length()) {
            throw error("pattern ends in '\\'");
        }
        char e = pattern.charAt(pos + 1);
        pos += 2;
        return switch (e) {
            case 'd' -> CharClass.ranges(new int[] {'0', '9'}, false);
            case 'D' -> CharClass.ranges(new int[] {'0', '9'}, true);
            case 'w' -> CharClass.ranges(WORD, false);
            case 'W' -> CharClass.ranges(WORD, true);
            case 's' -> CharClass.ranges(SPACE, false);
            case 'S' -> CharClass.ranges(SPACE, true);
            case 't' -> CharClass.of('\t');
            case 'n' -> CharClass.of('\n');
            case 'r' -> CharClass.of('\r');
            case 'f' -> CharClass.of('\f');
            case 'v' -> CharClass.of(0x0B);
            case 'x' -> CharClass.of(hex(2));
            case 'u' -> CharClass.of(hex(4));
            case 'b' -> {
                if (inClass) {
                    yield CharClass.of('\b');
                }
                throw error("word boundaries are not supported");
            }
            case 'B', 'A', 'z', 'Z', 'G' -> throw error("anchors and boundaries are supported only as ^ and $ at the ends");
            case 'p', 'P' -> throw error("Unicode property classes are not supported");
            case 'k' -> throw error("backreferences are not supported");
            default -> {
                if (Character.isDigit(e)) {
                    throw error("backreferences are not supported");
                }
                if (Character.isLetter(e)) {
                    throw error("unknown escape '\\" + e + "'");
                }
                yield CharClass.of(e);
            }
        };
    }

    private static final int[] WORD = {'a', 'z', 'A', 'Z', '0', '9', '_', '_'};
    private static final int[] SPACE = {' ', ' ', '\t', '\r', 0x0B, 0x0C};

    private int hex(int digits) {
        if (pos + digits > pattern.length()) {
            throw error("expecting " + digits + " hex digits");
        }
        int v = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(pattern.charAt(pos + i), 16);
            if (d < 0) {
                throw error("expecting " + digits + " hex digits");
            }
            v = v * 16 + d;
        }
        pos += digits;
        return v;
    }

    private GrammarException error(String what) {
        return new GrammarException("pattern /" + pattern + "/ at " + pos + ": " + what);
    }
}
