package exo.grammar;

/**
 * GBNF for the decimal integers between a minimum and a maximum, either bound optional, as
 * llama.cpp's {@code _build_min_max_int} writes it: digit by digit, so that a number can only
 * be continued while it can still land inside the range.
 */
final class IntegerRange {
    static final long NO_MIN = Long.MIN_VALUE;
    static final long NO_MAX = Long.MAX_VALUE;

    private final StringBuilder out = new StringBuilder();

    private IntegerRange() {
    }

    /** The rule body for integers in {@code [min, max]}; at least one bound must be set. */
    static String of(long min, long max) {
        if (min != NO_MIN && max != NO_MAX && min > max) {
            throw new GrammarException("integer range is empty: minimum " + min + " > maximum " + max);
        }
        IntegerRange r = new IntegerRange();
        r.build(min, max, 16, true);
        return r.out.toString();
    }

    private void digitRange(char from, char to) {
        out.append('[');
        if (from == to) {
            out.append(from);
        } else {
            out.append(from).append('-').append(to);
        }
        out.append(']');
    }

    private void moreDigits(int minDigits, int maxDigits) {
        out.append("[0-9]");
        if (minDigits == maxDigits && minDigits == 1) {
            return;
        }
        out.append('{').append(minDigits);
        if (maxDigits != minDigits) {
            out.append(',');
            if (maxDigits != Integer.MAX_VALUE) {
                out.append(maxDigits);
            }
        }
        out.append('}');
    }

    private void uniformRange(String from, String to) {
        int i = 0;
        while (i < from.length() && i < to.length() && from.charAt(i) == to.charAt(i)) {
            i++;
        }
        if (i > 0) {
            out.append('"').append(from, 0, i).append('"');
        }
        if (i < from.length() && i < to.length()) {
            if (i > 0) {
                out.append(' ');
            }
            int subLen = from.length() - i - 1;
            if (subLen > 0) {
                String fromSub = from.substring(i + 1);
                String toSub = to.substring(i + 1);
                String subZeros = "0".repeat(subLen);
                String subNines = "9".repeat(subLen);
                boolean toReached = false;
                out.append('(');
                if (fromSub.equals(subZeros)) {
                    digitRange(from.charAt(i), (char) (to.charAt(i) - 1));
                    out.append(' ');
                    moreDigits(subLen, subLen);
                } else {
                    out.append('[').append(from.charAt(i)).append("] (");
                    uniformRange(fromSub, subNines);
                    out.append(')');
                    if (from.charAt(i) < to.charAt(i) - 1) {
                        out.append(" | ");
                        if (toSub.equals(subNines)) {
                            digitRange((char) (from.charAt(i) + 1), to.charAt(i));
                            toReached = true;
                        } else {
                            digitRange((char) (from.charAt(i) + 1), (char) (to.charAt(i) - 1));
                        }
                        out.append(' ');
                        moreDigits(subLen, subLen);
                    }
                }
                if (!toReached) {
                    out.append(" | ");
                    digitRange(to.charAt(i), to.charAt(i));
                    out.append(' ');
                    uniformRange(subZeros, toSub);
                }
                out.append(')');
            } else {
                out.append('[').append(from.charAt(i)).append('-').append(to.charAt(i)).append(']');
            }
        }
    }

    private void build(long min, long max, int decimalsLeft, boolean topLevel) {
        boolean hasMin = min != NO_MIN;
        boolean hasMax = max != NO_MAX;
        if (hasMin && hasMax) {
            if (min < 0 && max < 0) {
                out.append("\"-\" (");
                build(-max, -min, decimalsLeft, true);
                out.append(')');
                return;
            }
            if (min < 0) {
                out.append("\"-\" (");
                build(0, -min, decimalsLeft, true);
                out.append(") | ");
                min = 0;
            }
            String minS = Long.toString(min);
            String maxS = Long.toString(max);
            for (int digits = minS.length(); digits < maxS.length(); digits++) {
                uniformRange(minS, "9".repeat(digits));
                minS = "1" + "0".repeat(digits);
                out.append(" | ");
            }
            uniformRange(minS, maxS);
            return;
        }
        int lessDecimals = Math.max(decimalsLeft - 1, 1);
        if (hasMin) {
            if (min < 0) {
                out.append("\"-\" (");
                build(NO_MIN, -min, decimalsLeft, false);
                out.append(") | [0] | [1-9] ");
                moreDigits(0, decimalsLeft - 1);
            } else if (min == 0) {
                if (topLevel) {
                    out.append("[0] | [1-9] ");
                    moreDigits(0, lessDecimals);
                } else {
                    moreDigits(1, decimalsLeft);
                }
            } else if (min <= 9) {
                char c = (char) ('0' + min);
                char rangeStart = topLevel ? '1' : '0';
                if (c > rangeStart) {
                    digitRange(rangeStart, (char) (c - 1));
                    out.append(' ');
                    moreDigits(1, lessDecimals);
                    out.append(" | ");
                }
                digitRange(c, '9');
                out.append(' ');
                moreDigits(0, lessDecimals);
            } else {
                String minS = Long.toString(min);
                int len = minS.length();
                char c = minS.charAt(0);
                if (c > '1') {
                    digitRange(topLevel ? '1' : '0', (char) (c - 1));
                    out.append(' ');
                    moreDigits(len, lessDecimals);
                    out.append(" | ");
                }
                digitRange(c, c);
                out.append(" (");
                build(Long.parseLong(minS.substring(1)), NO_MAX, lessDecimals, false);
                out.append(')');
                if (c < '9') {
                    out.append(" | ");
                    digitRange((char) (c + 1), '9');
                    out.append(' ');
                    moreDigits(len - 1, lessDecimals);
                }
            }
            return;
        }
        if (hasMax) {
            if (max >= 0) {
                if (topLevel) {
                    out.append("\"-\" [1-9] ");
                    moreDigits(0, lessDecimals);
                    out.append(" | ");
                }
                build(0, max, decimalsLeft, true);
            } else {
                out.append("\"-\" (");
                build(-max, NO_MAX, decimalsLeft, false);
                out.append(')');
            }
            return;
        }
        throw new GrammarException("an integer range needs a minimum or a maximum");
    }
}
