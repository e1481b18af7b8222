package exo.grammar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads GBNF as llama.cpp's {@code llama_grammar_parser} does: {@code name ::= alternatives}
 * rules, one a line (a rule goes on over newlines only after {@code ::=}, after {@code |} and
 * inside parentheses), {@code #} comments, {@code "literals"} and {@code [classes]} with the
 * escapes {@code \n \r \t \\ \" \[ \] \xHH \\uHHHH \UHHHHHHHH}, {@code .} for any character,
 * groups, and the repetitions {@code * + ? {m} {m,} {m,n}}. Errors say the line and column.
 */
final class GbnfParser {
    private final String src;
    private int pos;
    private final Map<String, Expr> rules = new LinkedHashMap<>();
    private static final int MAX_DEPTH = 200;
    private int depth;

    GbnfParser(String src) {
        this.src = src;
    }

    Map<String, Expr> parse() {
        skipSpace(true);
        while (pos < src.length()) {
            parseRule();
        }
        if (rules.isEmpty()) {
            throw error("the grammar has no rules");
        }
        return rules;
    }

    private void parseRule() {
        int nameAt = pos;
        String name = parseName();
        skipSpace(false);
        if (!src.startsWith("::=", pos)) {
            throw error("expecting ::= after rule name '" + name + "'");
        }
        pos += 3;
        skipSpace(true);
        Expr body = parseAlternates(false);
        if (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\r') {
                pos += src.startsWith("\r\n", pos) ? 2 : 1;
            } else if (c == '\n') {
                pos++;
            } else {
                throw error("expecting newline or end of rule");
            }
        }
        if (rules.containsKey(name)) {
            pos = nameAt;
            throw error("rule '" + name + "' is defined twice");
        }
        rules.put(name, body);
        skipSpace(true);
    }

    private Expr parseAlternates(boolean nested) {
        List<Expr> alternatives = new ArrayList<>();
        alternatives.add(parseSequence(nested));
        while (pos < src.length() && src.charAt(pos) == '|') {
            pos++;
            skipSpace(true);
            alternatives.add(parseSequence(nested));
        }
        return alternatives.size() == 1 ? alternatives.getFirst() : new Expr.Choice(alternatives);
    }

    private Expr parseSequence(boolean nested) {
        List<Expr> items = new ArrayList<>();
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '"') {
                pos++;
                StringBuilder sb = new StringBuilder();
                while (true) {
                    if (pos >= src.length()) {
                        throw error("unterminated string literal");
                    }
                    if (src.charAt(pos) == '"') {
                        break;
                    }
                    sb.appendCodePoint(parseChar());
                }
                pos++;
                items.add(new Expr.Literal(sb.toString()));
            } else if (c == '[') {
                items.add(new Expr.Chars(parseClass()));
            } else if (Gbnf.isNameChar(c)) {
                items.add(new Expr.Ref(parseName()));
            } else if (c == '(') {
                if (++depth > MAX_DEPTH) {
                    throw error("groups nested more than " + MAX_DEPTH + " deep");
                }
                pos++;
                skipSpace(true);
                Expr inner = parseAlternates(true);
                depth--;
                if (pos >= src.length() || src.charAt(pos) != ')') {
                    throw error("expecting ')'");
                }
                pos++;
                items.add(inner);
            } else if (c == '.') {
                pos++;
                items.add(new Expr.Chars(CharClass.any()));
            } else if (c == '*' || c == '+' || c == '?') {
                pos++;
                repeatLast(items, c == '+' ? 1 : 0, c == '?' ? 1 : Expr.Repeat.UNBOUNDED);
            } else if (c == '{') {
                pos++;
                skipSpace(nested);
                int min = parseInt();
                skipSpace(nested);
                int max;
                if (peek() == '}') {
                    max = min;
                } else if (peek() == ',') {
                    pos++;
                    skipSpace(nested);
                    max = Character.isDigit(peek()) ? parseInt() : Expr.Repeat.UNBOUNDED;
                    skipSpace(nested);
                    if (peek() != '}') {
                        throw error("expecting '}'");
                    }
                } else {
                    throw error("expecting ',' or '}' in a repetition");
                }
                pos++;
                if (max != Expr.Repeat.UNBOUNDED && max < min) {
                    throw error("repetition {" + min + "," + max + "} has its maximum below its minimum");
                }
                repeatLast(items, min, max);
            } else {
                break;
            }
            skipSpace(nested);
        }
        return items.size() == 1 ? items.getFirst() : new Expr.Sequence(items);
    }

    private void repeatLast(List<Expr> items, int min, int max) {
        if (items.isEmpty()) {
            pos--;
            throw error("expecting an item before '" + src.charAt(pos) + "'");
        }
        items.set(items.size() - 1, new Expr.Repeat(items.getLast(), min, max));
    }

    private CharClass parseClass() {
        pos++;
        boolean negated = false;
        if (peek() == '^') {
            negated = true;
            pos++;
        }
        List<Integer> bounds = new ArrayList<>();
        while (true) {
            if (pos >= src.length()) {
                throw error("unterminated character class");
            }
            if (src.charAt(pos) == ']') {
                break;
            }
            int lo = parseChar();
            int hi = lo;
            if (peek() == '-' && pos + 1 < src.length() && src.charAt(pos + 1) != ']') {
                pos++;
                hi = parseChar();
                if (hi < lo) {
                    throw error("character range is backwards");
                }
            }
            bounds.add(lo);
            bounds.add(hi);
        }
        pos++;
        int[] b = new int[bounds.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = bounds.get(i);
        }
        return CharClass.ranges(b, negated);
    }

    private int parseChar() {
        char c = src.charAt(pos);
        if (c != '\\') {
            int cp = src.codePointAt(pos);
            pos += Character.charCount(cp);
            return cp;
        }
        if (pos + 1 >= src.length()) {
            throw error("unexpected end of input after '\\'");
        }
        char e = src.charAt(pos + 1);
        pos += 2;
        return switch (e) {
            case 'x' -> parseHex(2);
            case 'u' -> parseHex(4);
            case 'U' -> parseHex(8);
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'n' -> '\n';
            case '\\', '"', '[', ']', '-', '^' -> e;
            default -> {
                pos -= 2;
                throw error("unknown escape '\\" + e + "'");
            }
        };
    }

    private int parseHex(int digits) {
        int value = 0;
        for (int i = 0; i < digits; i++) {
            int d = pos < src.length() ? Character.digit(src.charAt(pos), 16) : -1;
            if (d < 0) {
                throw error("expecting " + digits + " hex digits");
            }
            value = value * 16 + d;
            pos++;
        }
        if (value > CharClass.MAX_CODE_POINT) {
            throw error("code point U+" + Integer.toHexString(value).toUpperCase() + " is beyond Unicode");
        }
        return value;
    }

    private String parseName() {
        int start = pos;
        while (pos < src.length() && Gbnf.isNameChar(src.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw error("expecting a rule name");
        }
        return src.substring(start, pos);
    }

    private int parseInt() {
        int start = pos;
        while (pos < src.length() && Character.isDigit(src.charAt(pos)) && src.charAt(pos) < 128) {
            pos++;
        }
        if (pos == start) {
            throw error("expecting an integer");
        }
        if (pos - start > 6) {
            throw error("repetition count is too large");
        }
        return Integer.parseInt(src.substring(start, pos));
    }

    private char peek() {
        return pos < src.length() ? src.charAt(pos) : '\0';
    }

    private void skipSpace(boolean newlineOk) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
                    pos++;
                }
            } else if (c == ' ' || c == '\t' || (newlineOk && (c == '\n' || c == '\r'))) {
                pos++;
            } else {
                break;
            }
        }
    }

    private GrammarException error(String what) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < Math.min(pos, src.length()); i++) {
            if (src.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        String near = pos >= src.length() ? "end of input"
                : "'" + src.substring(pos, Math.min(src.length(), pos + 12)).replace("\n", "\\n").replace("\r", "\\r") + "'";
        return new GrammarException("GBNF line " + line + ", column " + (pos - lineStart + 1) + ": " + what + " (at " + near + ")");
    }
}
