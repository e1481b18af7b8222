package exo.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of Unicode code points, as a GBNF character class ({@code [a-z]}, {@code [^"\\]}), a
 * literal character or {@code .}: sorted, disjoint, non-adjacent inclusive ranges. Negation is
 * resolved when the class is made, so matching is one binary search.
 */
public final class CharClass {
    public static final int MAX_CODE_POINT = 0x10FFFF;

    /** Range bounds, {@code [lo0, hi0, lo1, hi1, ...]}, sorted and merged. */
    private final int[] bounds;

    private CharClass(int[] bounds) {
        this.bounds = bounds;
    }

    public static CharClass of(int codePoint) {
        return ranges(new int[] {codePoint, codePoint}, false);
    }

    public static CharClass any() {
        return new CharClass(new int[] {0, MAX_CODE_POINT});
    }

    /**
     * The class of the given inclusive ranges ({@code [lo0, hi0, lo1, hi1, ...]}, any order,
     * overlaps allowed), or of every code point outside them when {@code negated}.
     */
    public static CharClass ranges(int[] loHi, boolean negated) {
        if (loHi.length % 2 != 0) {
            throw new IllegalArgumentException("ranges come in pairs");
        }
        int n = loHi.length / 2;
        int[][] pairs = new int[n][];
        for (int i = 0; i < n; i++) {
            int lo = loHi[2 * i];
            int hi = loHi[2 * i + 1];
            if (lo < 0 || hi > MAX_CODE_POINT || lo > hi) {
                throw new IllegalArgumentException("bad character range " + lo + "-" + hi);
            }
            pairs[i] = new int[] {lo, hi};
        }
        Arrays.sort(pairs, (a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] p : pairs) {
            int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && p[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], p[1]);
            } else {
                merged.add(new int[] {p[0], p[1]});
            }
        }
        if (negated) {
            List<int[]> complement = new ArrayList<>();
            int next = 0;
            for (int[] p : merged) {
                if (p[0] > next) {
                    complement.add(new int[] {next, p[0] - 1});
                }
                next = p[1] + 1;
            }
            if (next <= MAX_CODE_POINT) {
                complement.add(new int[] {next, MAX_CODE_POINT});
            }
            merged = complement;
        }
        int[] bounds = new int[merged.size() * 2];
        for (int i = 0; i < merged.size(); i++) {
            bounds[2 * i] = merged.get(i)[0];
            bounds[2 * i + 1] = merged.get(i)[1];
        }
        return new CharClass(bounds);
    }

    public boolean matches(int codePoint) {
        int lo = 0;
        int hi = bounds.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (codePoint < bounds[2 * mid]) {
                hi = mid - 1;
            } else if (codePoint > bounds[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** Whether some code point in {@code [lo, hi]} is in the class (for a half-decoded UTF-8 character). */
    public boolean intersects(int lo, int hi) {
        for (int i = 0; i < bounds.length; i += 2) {
            if (bounds[i] <= hi && lo <= bounds[i + 1]) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return bounds.length == 0;
    }

    /** The number of ranges. */
    public int rangeCount() {
        return bounds.length / 2;
    }

    public int rangeStart(int i) {
        return bounds[2 * i];
    }

    public int rangeEnd(int i) {
        return bounds[2 * i + 1];
    }

    /** The class as GBNF: a quoted literal for one character, else a bracket expression. */
    public String toGbnf() {
        if (bounds.length == 2 && bounds[0] == bounds[1]) {
            return "\"" + Gbnf.escape(bounds[0], false) + "\"";
        }
        if (bounds.length == 2 && bounds[0] == 0 && bounds[1] == MAX_CODE_POINT) {
            return ".";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < bounds.length; i += 2) {
            sb.append(Gbnf.escape(bounds[i], true));
            if (bounds[i + 1] != bounds[i]) {
                sb.append('-').append(Gbnf.escape(bounds[i + 1], true));
            }
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharClass c && Arrays.equals(bounds, c.bounds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bounds);
    }

    @Override
    public String toString() {
        return toGbnf();
    }
}
