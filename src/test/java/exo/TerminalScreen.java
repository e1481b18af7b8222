package exo;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines a terminal shows after a program wrote {@code text} to it, for the few controls exo
 * writes: newlines (carriage returns are dropped, as a pseudo-terminal adds them), "cursor to the
 * start of the line N lines up" (ESC [ N F) and "clear to the end of the line" (ESC [ K).
 */
public final class TerminalScreen {
    private TerminalScreen() {
    }

    /** What a terminal shows after {@code text}: it knows newlines, "cursor N lines up" and "clear to the end of the line". */
    public static List<String> of(String text) {
        List<String> lines = new ArrayList<>(List.of(""));
        int row = 0;
        Matcher m = Pattern.compile("\033\\[(\\d+)F|\033\\[K|\n|[^\033\n]+").matcher(text.replace("\r", ""));
        while (m.find()) {
            String t = m.group();
            if (m.group(1) != null) {
                row = Math.max(0, row - Integer.parseInt(m.group(1)));
                // The cursor (a NUL here) is at the line's start: what follows overwrites.
                lines.set(row, "\u0000" + lines.get(row));
            } else if (t.equals("\033[K")) {
                String l = lines.get(row);
                int cursor = l.indexOf('\u0000');
                lines.set(row, cursor < 0 ? l : l.substring(0, cursor + 1));
            } else if (t.equals("\n")) {
                lines.set(row, lines.get(row).replace("\u0000", ""));
                row++;
                if (row == lines.size()) {
                    lines.add("");
                }
                lines.set(row, "\u0000" + lines.get(row));
            } else {
                String l = lines.get(row);
                int cursor = l.indexOf('\u0000');
                if (cursor < 0) {
                    lines.set(row, l + t);
                } else {
                    String after = l.substring(cursor + 1);
                    String rest = after.length() > t.length() ? after.substring(t.length()) : "";
                    lines.set(row, l.substring(0, cursor) + t + "\u0000" + rest);
                }
            }
        }
        lines.replaceAll(l -> l.replace("\u0000", ""));
        if (lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        return lines;
    }

}
