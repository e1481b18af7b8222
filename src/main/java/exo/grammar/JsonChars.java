package exo.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * Grammar for one character of a JSON string's content drawn from a set of code points, as it
 * must be written inside the quotes: most characters as themselves, {@code "} and {@code \} and
 * control characters escaped. Used for regex patterns, whose characters are the decoded
 * string's, not its JSON spelling.
 */
final class JsonChars {
    private JsonChars() {
    }

    /** The JSON spelling of any one character of {@code set}; null when the set is empty. */
    static Expr of(CharClass set) {
        List<Expr> alts = new ArrayList<>();
        List<Integer> plain = new ArrayList<>();
        for (int i = 0; i < set.rangeCount(); i++) {
            int lo = Math.max(set.rangeStart(i), 0x20);
            int hi = set.rangeEnd(i);
            // cut out '"' and '\', which JSON escapes, and surrogates, which UTF-8 cannot carry
            addPlain(plain, lo, hi, '"');
        }
        List<Integer> cleaned = new ArrayList<>();
        for (int i = 0; i < plain.size(); i += 2) {
            cut(cleaned, plain.get(i), plain.get(i + 1), '\\', '\\');
        }
        List<Integer> noSurrogates = new ArrayList<>();
        for (int i = 0; i < cleaned.size(); i += 2) {
            cut(noSurrogates, cleaned.get(i), cleaned.get(i + 1), 0xD800, 0xDFFF);
        }
        if (!noSurrogates.isEmpty()) {
            alts.add(new Expr.Chars(CharClass.ranges(noSurrogates.stream().mapToInt(Integer::intValue).toArray(), false)));
        }
        if (set.matches('"')) {
            alts.add(new Expr.Literal("\\\""));
        }
        if (set.matches('\\')) {
            alts.add(new Expr.Literal("\\\\"));
        }
        for (int c = 0; c < 0x20; c++) {
            if (set.matches(c)) {
                String shortForm = switch (c) {
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    default -> null;
                };
                alts.add(new Expr.Literal(shortForm != null ? shortForm : String.format("\\u%04x", c)));
            }
        }
        if (alts.isEmpty()) {
            return null;
        }
        return alts.size() == 1 ? alts.getFirst() : new Expr.Choice(alts);
    }

    private static void addPlain(List<Integer> out, int lo, int hi, int except) {
        cut(out, lo, hi, except, except);
    }

    private static void cut(List<Integer> out, int lo, int hi, int cutLo, int cutHi) {
        if (lo > hi) {
            return;
        }
        if (hi < cutLo || lo > cutHi) {
            out.add(lo);
            out.add(hi);
            return;
        }
        if (lo < cutLo) {
            out.add(lo);
            out.add(cutLo - 1);
        }
        if (hi > cutHi) {
            out.add(cutHi + 1);
            out.add(hi);
        }
    }
}
