package exo.tokenizer.chat.tools;

/**
 * Splits off the reasoning a model writes between its family's think tags at the start of its
 * output (llama.cpp's {@code try_parse_reasoning}): the reasoning, stripped of surrounding
 * whitespace, goes to the snapshot, and the body starts after the end tag and the whitespace
 * after it. When the prompt already opened the tag (thinking forced open) the output starts
 * inside it. An end tag that never comes makes everything reasoning.
 */
final class Reasoning {
    private Reasoning() {
    }

    /** Where the body starts, or -1 while it is not yet known (the text is held back). */
    static int split(String text, String start, String end, boolean startsInside, boolean finished, Snapshot out) {
        if (start == null) {
            return 0;
        }
        int p;
        if (startsInside) {
            p = 0;
        } else {
            int ws = JsonScan.skipSpace(text, 0);
            if (text.startsWith(start, ws)) {
                p = ws + start.length();
            } else if (!finished && Markers.isPrefixOf(text, ws, start)) {
                return -1;
            } else {
                return 0;
            }
        }
        int close = text.indexOf(end, p);
        if (close < 0) {
            int to = finished ? text.length() : text.length() - Markers.heldBack(text, p, end);
            out.reasoning.append(text.substring(p, to).strip());
            return finished ? text.length() : -1;
        }
        out.reasoning.append(text.substring(p, close).strip());
        return JsonScan.skipSpace(text, close + end.length());
    }
}
