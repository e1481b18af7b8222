package exo.tokenizer.chat.jinja;

import exo.tokenizer.chat.jinja.Token.Kind;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Splits a template into tokens as jinja2's lexer does with {@code trim_blocks} and
 * {@code lstrip_blocks} on: newlines normalized to "\n" and one trailing newline dropped,
 * {@code -} and {@code +} whitespace control on every tag, the newline after a block or
 * comment tag dropped, whitespace before a block or comment tag that starts its line dropped,
 * {@code {% raw %}} kept verbatim, and an end delimiter only recognized where brackets balance.
 * Written by hand from jinja2's regular expressions (same order of alternatives, same
 * definition of whitespace as Python's {@code \s}).
 */
final class Lexer {
    private static final String[] OPERATORS = {"//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[",
            "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"};

    private final String src;
    private final int[] lineStarts;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    /** jinja2's line_starting: the last match ended with a newline (or nothing was matched yet). */
    private boolean lineStarting = true;

    private Lexer(String source) {
        this.src = normalize(source);
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < src.length(); i++) {
            if (src.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    static List<Token> tokenize(String source) {
        Lexer l = new Lexer(source);
        l.root();
        l.out.add(new Token(Kind.EOF, "", l.line(l.src.length())));
        return l.out;
    }

    /** jinja2 joins the source's lines with "\n" and, without keep_trailing_newline, drops a last empty one. */
    private static String normalize(String s) {
        String n = s.indexOf('\r') < 0 ? s : s.replace("\r\n", "\n").replace('\r', '\n');
        return n.endsWith("\n") ? n.substring(0, n.length() - 1) : n;
    }

    private int line(int at) {
        int i = Arrays.binarySearch(lineStarts, at);
        return (i >= 0 ? i : -i - 2) + 1;
    }

    private TemplateException error(String message, int at) {
        return new TemplateException("TemplateSyntaxError", message, line(at));
    }

    private void root() {
        int n = src.length();
        while (pos < n) {
            int tag = nextTag(pos);
            if (tag < 0) {
                data(src.substring(pos), pos);
                pos = n;
                return;
            }
            char kind = src.charAt(tag + 1);
            int after = tag + 2;
            char sign = after < n && (src.charAt(after) == '-' || src.charAt(after) == '+') ? src.charAt(after) : 0;
            int rawEnd = kind == '%' ? matchRawBegin(tag) : -1;
            String text = strip(src.substring(pos, tag), sign, kind != '{');
            data(text, pos);
            if (rawEnd >= 0) {
                pos = rawEnd;
                lineStarting = src.charAt(rawEnd - 1) == '\n';
                raw();
                continue;
            }
            pos = after + (sign != 0 ? 1 : 0);
            lineStarting = false;
            switch (kind) {
                case '#' -> comment(tag);
                case '%' -> {
                    out.add(new Token(Kind.BLOCK_BEGIN, "{%", line(tag)));
                    inside(true);
                }
                default -> {
                    out.add(new Token(Kind.VARIABLE_BEGIN, "{{", line(tag)));
                    inside(false);
                }
            }
        }
    }

    private int nextTag(int from) {
        for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    private void data(String text, int at) {
        if (!text.isEmpty()) {
            out.add(new Token(Kind.DATA, text, line(at)));
        }
    }

    /** jinja2's OptionalLStrip: "-" strips all whitespace before the tag, lstrip_blocks the indentation of its line. */
    private String strip(String text, char sign, boolean lstripApplies) {
        if (sign == '-') {
            return PyString.rstrip(text, null);
        }
        if (sign != '+' && lstripApplies) {
            int lpos = text.lastIndexOf('\n') + 1;
            if ((lpos > 0 || lineStarting) && lpos < text.length() && allSpace(text, lpos)) {
                return text.substring(0, lpos);
            }
        }
        return text;
    }

    private static boolean allSpace(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (!Py.isSpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private int skipSpace(int p) {
        while (p < src.length() && Py.isSpace(src.charAt(p))) {
            p++;
        }
        return p;
    }

    /** {@code {%[-+]?\s*raw\s*(-%}\s*|%})} at {@code at}: the position after it, or -1. */
    private int matchRawBegin(int at) {
        int p = at + 2;
        if (p < src.length() && (src.charAt(p) == '-' || src.charAt(p) == '+')) {
            p++;
        }
        p = skipSpace(p);
        if (!src.startsWith("raw", p)) {
            return -1;
        }
        p = skipSpace(p + 3);
        if (src.startsWith("-%}", p)) {
            return skipSpace(p + 3);
        }
        return src.startsWith("%}", p) ? p + 2 : -1;
    }

    private void raw() {
        for (int i = src.indexOf("{%", pos); i >= 0; i = src.indexOf("{%", i + 1)) {
            int p = i + 2;
            char sign = 0;
            if (p < src.length() && (src.charAt(p) == '-' || src.charAt(p) == '+')) {
                sign = src.charAt(p++);
            }
            p = skipSpace(p);
            if (!src.startsWith("endraw", p)) {
                continue;
            }
            int end = blockEnd(skipSpace(p + 6));
            if (end < 0) {
                continue;
            }
            data(strip(src.substring(pos, i), sign, true), pos);
            pos = end;
            lineStarting = src.charAt(end - 1) == '\n';
            return;
        }
        throw error("Missing end of raw directive", pos);
    }

    /** {@code +%}|-%}\s*|%}\n?} at p: the position after it, or -1. */
    private int blockEnd(int p) {
        if (src.startsWith("+%}", p)) {
            return p + 3;
        }
        if (src.startsWith("-%}", p)) {
            return skipSpace(p + 3);
        }
        if (src.startsWith("%}", p)) {
            return p + 2 < src.length() && src.charAt(p + 2) == '\n' ? p + 3 : p + 2;
        }
        return -1;
    }

    private void comment(int begin) {
        for (int i = pos; i + 1 < src.length(); i++) {
            if (src.startsWith("+#}", i)) {
                pos = i + 3;
            } else if (src.startsWith("-#}", i)) {
                pos = skipSpace(i + 3);
            } else if (src.startsWith("#}", i)) {
                pos = i + 2 < src.length() && src.charAt(i + 2) == '\n' ? i + 3 : i + 2;
            } else {
                continue;
            }
            lineStarting = src.charAt(pos - 1) == '\n';
            return;
        }
        throw error("Missing end of comment tag", begin);
    }

    private void inside(boolean block) {
        Deque<Character> brackets = new ArrayDeque<>();
        int n = src.length();
        while (true) {
            if (pos >= n) {
                return;
            }
            if (brackets.isEmpty()) {
                int end = block ? blockEnd(pos) : variableEnd(pos);
                if (end >= 0) {
                    out.add(new Token(block ? Kind.BLOCK_END : Kind.VARIABLE_END, block ? "%}" : "}}", line(pos)));
                    pos = end;
                    lineStarting = src.charAt(end - 1) == '\n';
                    return;
                }
            }
            char c = src.charAt(pos);
            if (Py.isSpace(c)) {
                pos = skipSpace(pos);
                continue;
            }
            int start = pos;
            int end = matchFloat(pos);
            if (end >= 0) {
                String text = src.substring(pos, end).replace("_", "");
                out.add(new Token(Kind.FLOAT, Double.parseDouble(text), line(start)));
                pos = end;
                continue;
            }
            end = matchInteger(pos);
            if (end >= 0) {
                out.add(new Token(Kind.INTEGER, integer(src.substring(pos, end).replace("_", ""), start), line(start)));
                pos = end;
                continue;
            }
            if (c == '_' || Character.isLetter(c)) {
                end = pos + 1;
                while (end < n && (src.charAt(end) == '_' || Character.isLetterOrDigit(src.charAt(end)))) {
                    end++;
                }
                out.add(new Token(Kind.NAME, src.substring(pos, end), line(start)));
                pos = end;
                continue;
            }
            if (c == '\'' || c == '"') {
                end = matchString(pos);
                if (end >= 0) {
                    out.add(new Token(Kind.STRING, PyString.unescape(src.substring(pos + 1, end - 1)), line(start)));
                    pos = end;
                    continue;
                }
            }
            String op = operator(pos);
            if (op == null) {
                throw error("unexpected char " + Py.repr(String.valueOf(c)) + " at " + pos, pos);
            }
            switch (op) {
                case "(" -> brackets.push(')');
                case "[" -> brackets.push(']');
                case "{" -> brackets.push('}');
                case ")", "]", "}" -> {
                    if (brackets.isEmpty()) {
                        throw error("unexpected '" + op + "'", pos);
                    }
                    char expected = brackets.pop();
                    if (expected != op.charAt(0)) {
                        throw error("unexpected '" + op + "', expected '" + expected + "'", pos);
                    }
                }
                default -> {
                }
            }
            out.add(new Token(Kind.OPERATOR, op, line(start)));
            pos += op.length();
        }
    }

    private int variableEnd(int p) {
        if (src.startsWith("-}}", p)) {
            return skipSpace(p + 3);
        }
        return src.startsWith("}}", p) ? p + 2 : -1;
    }

    private String operator(int p) {
        for (String op : OPERATORS) {
            if (src.startsWith(op, p)) {
                return op;
            }
        }
        return null;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    /** {@code (\d+_)*\d+} at p: its end, or -1. */
    private int digits(int p) {
        if (p >= src.length() || !digit(src.charAt(p))) {
            return -1;
        }
        while (true) {
            while (p < src.length() && digit(src.charAt(p))) {
                p++;
            }
            if (p + 1 < src.length() && src.charAt(p) == '_' && digit(src.charAt(p + 1))) {
                p++;
            } else {
                return p;
            }
        }
    }

    /** jinja2's float_re: digits with a fraction, an exponent or both, not right after a dot. */
    private int matchFloat(int p) {
        if (p > 0 && src.charAt(p - 1) == '.') {
            return -1;
        }
        int q = digits(p);
        if (q < 0) {
            return -1;
        }
        int fraction = q < src.length() && src.charAt(q) == '.' ? digits(q + 1) : -1;
        int e = fraction >= 0 ? fraction : q;
        if (e < src.length() && (src.charAt(e) == 'e' || src.charAt(e) == 'E')) {
            int s = e + 1;
            if (s < src.length() && (src.charAt(s) == '+' || src.charAt(s) == '-')) {
                s++;
            }
            int exp = digits(s);
            if (exp >= 0) {
                return exp;
            }
        }
        return fraction;
    }

    /** jinja2's integer_re: 0b, 0o, 0x prefixes, "_" between digits, no leading zero but 0 itself. */
    private int matchInteger(int p) {
        int n = src.length();
        if (p >= n || !digit(src.charAt(p))) {
            return -1;
        }
        if (src.charAt(p) == '0' && p + 1 < n) {
            char x = Character.toLowerCase(src.charAt(p + 1));
            String allowed = x == 'b' ? "01" : x == 'o' ? "01234567" : x == 'x' ? "0123456789abcdef" : null;
            if (allowed != null) {
                int q = p + 2;
                int end = -1;
                while (true) {
                    int r = q < n && src.charAt(q) == '_' ? q + 1 : q;
                    if (r < n && allowed.indexOf(Character.toLowerCase(src.charAt(r))) >= 0) {
                        q = r + 1;
                        end = q;
                    } else {
                        break;
                    }
                }
                if (end >= 0) {
                    return end;
                }
            }
        }
        char first = src.charAt(p);
        int q = p + 1;
        while (true) {
            int r = q < n && src.charAt(q) == '_' ? q + 1 : q;
            boolean ok = r < n && (first == '0' ? src.charAt(r) == '0' : digit(src.charAt(r)));
            if (!ok) {
                return q;
            }
            q = r + 1;
        }
    }

    private Object integer(String text, int at) {
        int radix = 10;
        String digits = text;
        if (text.length() > 2 && text.charAt(0) == '0') {
            char x = Character.toLowerCase(text.charAt(1));
            radix = x == 'b' ? 2 : x == 'o' ? 8 : x == 'x' ? 16 : 10;
            if (radix != 10) {
                digits = text.substring(2);
            }
        }
        BigInteger v = new BigInteger(digits, radix);
        if (v.bitLength() > 63) {
            throw error("integer literal " + text + " is beyond 64 bits", at);
        }
        return v.longValue();
    }

    /** jinja2's string_re: a quoted string in which a backslash escapes any character. */
    private int matchString(int p) {
        char quote = src.charAt(p);
        for (int i = p + 1; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i + 1;
            }
        }
        return -1;
    }
}
