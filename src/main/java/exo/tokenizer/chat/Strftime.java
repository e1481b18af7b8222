package exo.tokenizer.chat;

import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** Python's {@code strftime} directives (C locale), with glibc's "%-d" for no padding. */
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
            char d = format.charAt(++i);
            boolean pad = true;
            if (d == '-' && i + 1 < format.length()) {
                pad = false;
                d = format.charAt(++i);
            }
            switch (d) {
                case 'd' -> b.append(num(t.getDayOfMonth(), 2, pad));
                case 'm' -> b.append(num(t.getMonthValue(), 2, pad));
                case 'Y' -> b.append(t.getYear());
                case 'y' -> b.append(num(t.getYear() % 100, 2, pad));
                case 'H' -> b.append(num(t.getHour(), 2, pad));
                case 'I' -> b.append(num((t.getHour() + 11) % 12 + 1, 2, pad));
                case 'M' -> b.append(num(t.getMinute(), 2, pad));
                case 'S' -> b.append(num(t.getSecond(), 2, pad));
                case 'j' -> b.append(num(t.getDayOfYear(), 3, pad));
                case 'p' -> b.append(t.getHour() < 12 ? "AM" : "PM");
                case 'b', 'h' -> b.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> b.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case '%' -> b.append('%');
                default -> b.append('%').append(pad ? "" : "-").append(d);
            }
        }
        return b.toString();
    }

    private static String num(int n, int width, boolean pad) {
        String s = Integer.toString(n);
        return pad && s.length() < width ? "0".repeat(width - s.length()) + s : s;
    }
}
