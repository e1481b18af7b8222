package exo.tokenizer.chat.tools;

/**
 * DeepSeek R1 and V3.1 (their tokens, with the full-width bars and the ▁): calls inside
 * {@code <｜tool▁calls▁begin｜> ... <｜tool▁calls▁end｜>}, each
 * {@code <｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\n```json\n{...}\n```<｜tool▁call▁end｜>}
 * (R1) or {@code <｜tool▁call▁begin｜>NAME<｜tool▁sep｜>{...}<｜tool▁call▁end｜>} (V3.1). The
 * misspelt openers R1 distills write are accepted, as llama.cpp does.
 */
final class DeepSeekParser implements BodyParser {
    static final String CALLS_BEGIN = "<｜tool▁calls▁begin｜>";
    static final String CALLS_END = "<｜tool▁calls▁end｜>";
    static final String CALL_BEGIN = "<｜tool▁call▁begin｜>";
    static final String CALL_END = "<｜tool▁call▁end｜>";
    static final String SEP = "<｜tool▁sep｜>";
    private static final String[] OPENERS = {CALLS_BEGIN, "<｜tool_calls_begin｜>", "<｜tool calls begin｜>",
        "<｜tool\\_calls\\_begin｜>", "<｜tool▁calls｜>"};

    @Override
    public String markerStarts() {
        return "<";
    }

    @Override
    public void parse(String t, int pos, boolean finished, Snapshot out) {
        int[] m = Markers.next(t, pos, finished, out, OPENERS);
        if (m == null) {
            return;
        }
        int p = m[0] + OPENERS[m[1]].length();
        boolean any = false;
        while (true) {
            p = JsonScan.skipSpace(t, p);
            if (t.startsWith(CALLS_END, p)) {
                out.content(t, JsonScan.skipSpace(t, p + CALLS_END.length()), t.length());
                return;
            }
            if (p >= t.length() || (!finished && (Markers.isPrefixOf(t, p, CALLS_END) || Markers.isPrefixOf(t, p, CALL_BEGIN)))) {
                if (finished && !any) {
                    out.content(t, m[0], t.length());
                }
                return;
            }
            int header = t.startsWith(CALL_BEGIN, p) ? p + CALL_BEGIN.length() : p;
            int sep = t.indexOf(SEP, header);
            int newline = t.indexOf('\n', header);
            if (sep < 0 || (newline >= 0 && newline < sep)) {
                if (!finished && newline < 0 && t.length() - header < 256) {
                    return;
                }
                out.content(t, any ? p : m[0], t.length());
                return;
            }
            String before = t.substring(header, sep).strip();
            JsonCalls.Step s;
            if (before.equals("function")) {
                int nl = t.indexOf('\n', sep + SEP.length());
                if (nl < 0) {
                    if (!finished) {
                        return;
                    }
                    out.content(t, any ? p : m[0], t.length());
                    return;
                }
                String name = t.substring(sep + SEP.length(), nl).strip();
                if (!ToolNames.isName(name)) {
                    out.content(t, any ? p : m[0], t.length());
                    return;
                }
                int a = JsonScan.skipSpace(t, nl + 1);
                if (!finished && Markers.isPrefixOf(t, a, "```json")) {
                    return;
                }
                if (t.startsWith("```json", a)) {
                    a = JsonScan.skipSpace(t, a + "```json".length());
                } else if (t.startsWith("```", a)) {
                    a = JsonScan.skipSpace(t, a + 3);
                }
                s = JsonCalls.arguments(t, a, finished, out, null, name);
            } else if (ToolNames.isName(before)) {
                s = JsonCalls.arguments(t, JsonScan.skipSpace(t, sep + SEP.length()), finished, out, null, before);
            } else {
                out.content(t, any ? p : m[0], t.length());
                return;
            }
            any = true;
            if (!JsonCalls.goesOn(s, t, out)) {
                return;
            }
            int q = Markers.pastOptional(t, s.pos(), "```", finished);
            p = q < 0 ? -1 : Markers.pastOptional(t, q, CALL_END, finished);
            if (p < 0) {
                return;
            }
        }
    }
}
