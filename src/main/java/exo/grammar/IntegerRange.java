package exo.grammar;

/**
 * GBNF for the decimal integers between a minimum and a maximum, either bound optional, after
 * llama.cpp's {@code _build_min_max_int}: digit by digit, so that a number can only be
 * continued while it can still land inside the range.
 */
final class IntegerRange {
    static final long NO_MIN = Long.MIN_VALUE;
    static final long NO_MAX = Long.MAX_VALUE;

    /** As JSON's integral part in llama.cpp's grammar: at most 16 digits. */
    private static final int MAX_DIGITS = 16;

    private final StringBuilder out = new StringBuilder();

    private IntegerRange() {
    }

    /** The rule body for integers in {@code [min, max]}; at least one bound must be set. */
    static String of(long min, long max) {
        if (min != NO_MIN && max != NO_MAX && min > max) {
            throw new GrammarException("integer range is empty: minimum " + min + " > maximum " + max);
        }
        IntegerRange r = new IntegerRange();
        r.build(min, max);
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

    private void build(long min, long max) {
        boolean hasMin = min != NO_MIN;
        boolean hasMax = max != NO_MAX;
        if (hasMin && hasMax) {
            if (min < 0 && max < 0) {
                out.append("\"-\" (");
                build(-max, -min);
                out.append(')');
                return;
            }
            if (min < 0) {
                out.append("\"-\" (");
                build(0, -min);
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
        if (hasMin) {
            if (min < 0) {
                // -k .. -0 (llama.cpp allows "-0", valid JSON for zero), then any natural number
                out.append("\"-\" (");
                build(0, -min);
                out.append(") | [0] | [1-9] ");
                moreDigits(0, MAX_DIGITS - 1);
            } else {
                atLeast(min);
            }
            return;
        }
        if (hasMax) {
            if (max >= 0) {
                out.append("\"-\" [1-9] ");
                moreDigits(0, MAX_DIGITS - 1);
                out.append(" | ");
                build(0, max);
            } else {
                out.append("\"-\" (");
                atLeast(-max);
                out.append(')');
            }
            return;
        }
        throw new GrammarException("an integer range needs a minimum or a maximum");
    }

    /**
     * Naturals of at most {@link #MAX_DIGITS} digits that are at least {@code min}: those as
     * long as {@code min} and not below it, or longer. (llama.cpp recurses on the digits after
     * the first and so lets 1000's bound take 102; counting lengths avoids that.)
     */
    private void atLeast(long min) {
        if (min == 0) {
            out.append("[0] | [1-9] ");
            moreDigits(0, MAX_DIGITS - 1);
            return;
        }
        String minS = Long.toString(min);
        uniformRange(minS, "9".repeat(minS.length()));
        if (minS.length() < MAX_DIGITS) {
            out.append(" | [1-9] ");
            moreDigits(minS.length(), MAX_DIGITS - 1);
        }
    }
}
