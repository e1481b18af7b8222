package exo.tokenizer.chat;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * Python's {@code datetime.strftime} as CPython on glibc gives it for a naive local time (the C
 * locale; {@code %Z} and {@code %z} empty), with glibc's flags: {@code -} for no padding,
 * {@code _} for space padding, {@code 0} for zeros, {@code ^} for upper case.
 */
final class Strftime {
    private Strftime() {
    }

    static String format(String format, LocalDateTime t) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                b.append(c);
                continue;
            }
            int start = i;
            char flag = 0;
            char d = format.charAt(++i);
            if ((d == '-' || d == '_' || d == '0' || d == '^') && i + 1 < format.length()) {
                flag = d;
                d = format.charAt(++i);
            }
            String v = directive(d, t, flag);
            b.append(v != null ? v : format.substring(start, i + 1));
        }
        return b.toString();
    }

    private static String directive(char d, LocalDateTime t, char flag) {
        String v = switch (d) {
            case 'd' -> num(t.getDayOfMonth(), 2, '0', flag);
            case 'e' -> num(t.getDayOfMonth(), 2, ' ', flag);
            case 'm' -> num(t.getMonthValue(), 2, '0', flag);
            case 'Y' -> Integer.toString(t.getYear());
            case 'y' -> num(t.getYear() % 100, 2, '0', flag);
            case 'C' -> num(t.getYear() / 100, 2, '0', flag);
            case 'H' -> num(t.getHour(), 2, '0', flag);
            case 'k' -> num(t.getHour(), 2, ' ', flag);
            case 'I' -> num((t.getHour() + 11) % 12 + 1, 2, '0', flag);
            case 'l' -> num((t.getHour() + 11) % 12 + 1, 2, ' ', flag);
            case 'M' -> num(t.getMinute(), 2, '0', flag);
            case 'S' -> num(t.getSecond(), 2, '0', flag);
            case 'f' -> num(t.getNano() / 1000, 6, '0', flag);
            case 'j' -> num(t.getDayOfYear(), 3, '0', flag);
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'P' -> t.getHour() < 12 ? "am" : "pm";
            case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
            case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
            case 'U' -> num(week(t, DayOfWeek.SUNDAY), 2, '0', flag);
            case 'W' -> num(week(t, DayOfWeek.MONDAY), 2, '0', flag);
            case 'V' -> num(t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), 2, '0', flag);
            case 'G' -> Integer.toString(t.get(IsoFields.WEEK_BASED_YEAR));
            case 'g' -> num(t.get(IsoFields.WEEK_BASED_YEAR) % 100, 2, '0', flag);
            case 'D', 'x' -> format("%m/%d/%y", t);
            case 'F' -> format("%Y-%m-%d", t);
            case 'T', 'X' -> format("%H:%M:%S", t);
            case 'R' -> format("%H:%M", t);
            case 'r' -> format("%I:%M:%S %p", t);
            case 'c' -> format("%a %b %e %H:%M:%S %Y", t);
            case 'n' -> "\n";
            case 't' -> "\t";
            case 'Z', 'z' -> "";
            case '%' -> "%";
            default -> null;
        };
        return v != null && flag == '^' ? v.toUpperCase(Locale.ROOT) : v;
    }

    /** Weeks as %U (Sunday first) and %W (Monday first) count them: days before the first such day are week 0. */
    private static int week(LocalDateTime t, DayOfWeek first) {
        int yday = t.getDayOfYear() - 1;
        int weekday = (t.getDayOfWeek().getValue() - first.getValue() + 7) % 7;
        return (yday + 7 - weekday) / 7;
    }

    private static String num(int n, int width, char pad, char flag) {
        String s = Integer.toString(n);
        if (flag == '-') {
            return s;
        }
        char p = flag == '_' ? ' ' : flag == '0' ? '0' : pad;
        return s.length() < width ? String.valueOf(p).repeat(width - s.length()) + s : s;
    }
}
