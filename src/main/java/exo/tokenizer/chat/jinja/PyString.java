package exo.tokenizer.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Python's str semantics on Java strings: indices and lengths count code points (a character
 * outside the BMP is one character, as in Python), whitespace is Python's, and the methods
 * behave as CPython's str methods.
 */
final class PyString {
    private PyString() {
    }

    /** Whether every char is a BMP code point, so char indices are Python's indices. */
    static boolean simple(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The characters of s, each as a string (what iterating a str gives). */
    static List<Object> chars(String s) {
        List<Object> out = new ArrayList<>(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            out.add(s.substring(i, i + n));
            i += n;
        }
        return out;
    }

    static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** The char offset of code point index i (0 <= i <= length). */
    static int offset(String s, int i) {
        return s.offsetByCodePoints(0, i);
    }

    /** The code point index of char offset o. */
    static int index(String s, int o) {
        return s.codePointCount(0, o);
    }

    /** s[i:j] in code points, with 0 <= i <= j <= length. */
    static String substring(String s, int i, int j) {
        if (simple(s)) {
            return s.substring(i, j);
        }
        int a = offset(s, i);
        return s.substring(a, s.offsetByCodePoints(a, j - i));
    }

    /** Python orders strings by code point; Java's compareTo by UTF-16 unit. */
    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** Python's repr of a str. */
    static String repr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder(s.length() + 2).append(quote);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == quote || c == '\\') {
                b.append('\\').appendCodePoint(c);
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c < ' ' || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else if (c < 0x7f || printable(c)) {
                b.appendCodePoint(c);
            } else if (c <= 0xff) {
                b.append(String.format("\\x%02x", c));
            } else if (c <= 0xffff) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.append(String.format("\\U%08x", c));
            }
        }
        return b.append(quote).toString();
    }

    /** Python's str.isprintable() for one code point. */
    static boolean printable(int c) {
        if (c == ' ') {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Decodes a string literal's body as jinja2 does (Python's unicode-escape codec). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case '\n' -> {
                }
                case '\\', '\'', '"' -> b.append(e);
                case 'a' -> b.append('\u0007');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'v' -> b.append('\u000b');
                case 'x', 'u', 'U' -> {
                    int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    String hex = s.substring(i + 1, Math.min(s.length(), i + 1 + n));
                    if (hex.length() < n || !hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                        throw new TemplateException("TemplateSyntaxError", "truncated \\" + e + " escape in a string");
                    }
                    b.appendCodePoint(Integer.parseInt(hex, 16));
                    i += n;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = 0;
                        int n = 0;
                        while (n < 3 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7') {
                            v = v * 8 + s.charAt(i) - '0';
                            i++;
                            n++;
                        }
                        i--;
                        b.append((char) v);
                    } else {
                        b.append('\\').append(e);
                    }
                }
            }
        }
        return b.toString();
    }

    static boolean isStripChar(int c, String chars) {
        return chars == null ? c < 0x10000 && Py.isSpace((char) c) : chars.indexOf(Character.toString(c)) >= 0;
    }

    static String strip(String s, String chars) {
        return rstrip(lstrip(s, chars), chars);
    }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length()) {
            int c = s.codePointAt(i);
            if (!isStripChar(c, chars)) {
                break;
            }
            i += Character.charCount(c);
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int j = s.length();
        while (j > 0) {
            int c = s.codePointBefore(j);
            if (!isStripChar(c, chars)) {
                break;
            }
            j -= Character.charCount(c);
        }
        return s.substring(0, j);
    }

    /** str.split(sep, maxsplit); sep null splits on runs of whitespace and drops empty ends. */
    static List<Object> split(String s, String sep, long maxsplit) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && Py.isSpace(s.charAt(i))) {
                    i++;
                }
                if (i >= n) {
                    return out;
                }
                if (maxsplit >= 0 && out.size() == maxsplit) {
                    out.add(s.substring(i));
                    return out;
                }
                int j = i;
                while (j < n && !Py.isSpace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        if (sep.isEmpty()) {
            throw TemplateException.valueError("empty separator");
        }
        int i = 0;
        while (maxsplit < 0 || out.size() < maxsplit) {
            int j = s.indexOf(sep, i);
            if (j < 0) {
                break;
            }
            out.add(s.substring(i, j));
            i = j + sep.length();
        }
        out.add(s.substring(i));
        return out;
    }

    /** str.rsplit(sep, maxsplit). */
    static List<Object> rsplit(String s, String sep, long maxsplit) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int j = s.length();
            while (true) {
                while (j > 0 && Py.isSpace(s.charAt(j - 1))) {
                    j--;
                }
                if (j <= 0) {
                    break;
                }
                if (maxsplit >= 0 && out.size() == maxsplit) {
                    out.add(s.substring(0, j));
                    break;
                }
                int i = j;
                while (i > 0 && !Py.isSpace(s.charAt(i - 1))) {
                    i--;
                }
                out.add(s.substring(i, j));
                j = i;
            }
            java.util.Collections.reverse(out);
            return out;
        }
        if (sep.isEmpty()) {
            throw TemplateException.valueError("empty separator");
        }
        int j = s.length();
        while (maxsplit < 0 || out.size() < maxsplit) {
            int i = s.lastIndexOf(sep, j - sep.length());
            if (i < 0 || j - sep.length() < 0) {
                break;
            }
            out.add(s.substring(i + sep.length(), j));
            j = i;
        }
        out.add(s.substring(0, j));
        java.util.Collections.reverse(out);
        return out;
    }

    private static boolean lineBreak(char c) {
        return c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e || c == 0x85
                || c == 0x2028 || c == 0x2029;
    }

    /** str.splitlines(keepends). */
    static List<Object> splitlines(String s, boolean keepends) {
        List<Object> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            int j = i;
            while (j < n && !lineBreak(s.charAt(j))) {
                j++;
            }
            int end = j;
            if (j < n) {
                end = s.charAt(j) == '\r' && j + 1 < n && s.charAt(j + 1) == '\n' ? j + 2 : j + 1;
            }
            out.add(s.substring(i, keepends ? end : j));
            i = end;
        }
        return out;
    }

    /** str.replace(old, new, count), with Python's rule for an empty old (insert between characters). */
    static String replace(String s, String old, String replacement, long count) {
        if (count < 0 && !old.isEmpty()) {
            return s.replace(old, replacement);
        }
        StringBuilder b = new StringBuilder();
        long done = 0;
        if (old.isEmpty()) {
            List<Object> cs = chars(s);
            for (Object c : cs) {
                if (count < 0 || done < count) {
                    b.append(replacement);
                    done++;
                }
                b.append(c);
            }
            if (count < 0 || done < count) {
                b.append(replacement);
            }
            return b.toString();
        }
        int i = 0;
        while (count < 0 || done < count) {
            int j = s.indexOf(old, i);
            if (j < 0) {
                break;
            }
            b.append(s, i, j).append(replacement);
            i = j + old.length();
            done++;
        }
        return b.append(s.substring(i)).toString();
    }

    static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static boolean cased(int c) {
        return Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
    }

    /** str.title(): a cased character after an uncased one starts a word. */
    static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            String one = Character.toString(c);
            if (previousCased) {
                b.append(one.toLowerCase(Locale.ROOT));
            } else {
                b.append(titleCase(c));
            }
            previousCased = cased(c);
        }
        return b.toString();
    }

    private static String titleCase(int c) {
        if (Character.isTitleCase(c)) {
            return Character.toString(c);
        }
        String upper = Character.toString(c).toUpperCase(Locale.ROOT);
        if (upper.codePointCount(0, upper.length()) == 1) {
            return Character.toString(Character.toTitleCase(c));
        }
        // characters whose title case is several (e.g. "ß" -> "Ss") follow Python: first upper, rest lower
        int first = upper.codePointAt(0);
        return Character.toString(first) + upper.substring(Character.charCount(first)).toLowerCase(Locale.ROOT);
    }

    /** str.capitalize(): the first character in title case, the rest lower case. */
    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int c = s.codePointAt(0);
        return titleCase(c) + s.substring(Character.charCount(c)).toLowerCase(Locale.ROOT);
    }

    static String swapcase(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.append(Character.isUpperCase(c) ? Character.toString(c).toLowerCase(Locale.ROOT)
                : Character.isLowerCase(c) ? Character.toString(c).toUpperCase(Locale.ROOT) : Character.toString(c)));
        return b.toString();
    }

    /** str.isupper()/islower(): some cased character, and none of the other case. */
    static boolean isCase(String s, boolean upper) {
        boolean any = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (upper ? (Character.isLowerCase(c) || Character.isTitleCase(c)) : (Character.isUpperCase(c)
                    || Character.isTitleCase(c))) {
                return false;
            }
            any |= upper ? Character.isUpperCase(c) : Character.isLowerCase(c);
        }
        return any;
    }

    static boolean istitle(String s) {
        boolean previousCased = false;
        boolean any = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isUpperCase(c) || Character.isTitleCase(c)) {
                if (previousCased) {
                    return false;
                }
                previousCased = true;
                any = true;
            } else if (Character.isLowerCase(c)) {
                if (!previousCased) {
                    return false;
                }
                previousCased = true;
                any = true;
            } else {
                previousCased = false;
            }
        }
        return any;
    }

    /** Pads s to width code points; align is '<', '>' or '^' (Python's center puts the odd pad on the right). */
    static String pad(String s, long width, char align, String fill) {
        int len = length(s);
        if (width <= len) {
            return s;
        }
        int total = (int) (width - len);
        int left = switch (align) {
            case '>' -> total;
            case '^' -> total / 2 + ((total & (int) width & 1));
            default -> 0;
        };
        return fill.repeat(left) + s + fill.repeat(total - left);
    }
}
