package exo.tokenizer.chat.tools;

/** Finding a family's markers in text that is still arriving. */
final class Markers {
    private Markers() {
    }

    /**
     * How many characters at the end of {@code text} (from {@code from} on) might be the start
     * of one of {@code markers}, and so must be held back from content until more text says.
     */
    static int heldBack(String text, int from, String... markers) {
        int held = 0;
        for (String m : markers) {
            int max = Math.min(m.length() - 1, text.length() - from);
            for (int n = max; n > held; n--) {
                if (text.regionMatches(text.length() - n, m, 0, n)) {
                    held = n;
                    break;
                }
            }
        }
        return held;
    }

    /** The first of {@code markers} at or after {@code from}: {index, marker number}, or null. */
    static int[] first(String text, int from, String... markers) {
        int best = -1;
        int which = -1;
        for (int i = 0; i < markers.length; i++) {
            int at = text.indexOf(markers[i], from);
            if (at >= 0 && (best < 0 || at < best || (at == best && markers[i].length() > markers[which].length()))) {
                best = at;
                which = i;
            }
        }
        return best < 0 ? null : new int[] {best, which};
    }

    /**
     * The first of {@code markers} at or after {@code from}, as {@link #first}, with the content
     * before it written to {@code out}; null when there is none, the text that cannot start one
     * (all of it once {@code finished}) written as plain content.
     */
    static int[] next(String text, int from, boolean finished, Snapshot out, String... markers) {
        int[] m = first(text, from, markers);
        if (m == null) {
            out.plain(text, from, finished ? text.length() : text.length() - heldBack(text, from, markers));
            return null;
        }
        out.content(text, from, m[0]);
        return m;
    }

    /**
     * Past the space at {@code from}, then past {@code close} and the space after it when the
     * text goes on with it; -1 while the text so far ends on a beginning of {@code close}.
     */
    static int pastOptional(String text, int from, String close, boolean finished) {
        int q = JsonScan.skipSpace(text, from);
        if (!finished && isPrefixOf(text, q, close)) {
            return -1;
        }
        return text.startsWith(close, q) ? JsonScan.skipSpace(text, q + close.length()) : q;
    }

    /** Whether {@code text[from..]} is a proper prefix of {@code marker} (the marker may still come). */
    static boolean isPrefixOf(String text, int from, String marker) {
        int n = text.length() - from;
        return n < marker.length() && marker.regionMatches(0, text, from, n);
    }
}
