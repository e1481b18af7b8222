package exo.tokenizer.chat.tools;

/**
 * Kimi K2: {@code <|tool_calls_section_begin|>} then per call
 * {@code <|tool_call_begin|>functions.NAME:INDEX<|tool_call_argument_begin|>{...}<|tool_call_end|>},
 * then {@code <|tool_calls_section_end|>}. The {@code functions.NAME:INDEX} part is the call's
 * id; the name is what lies between the dot and the colon.
 */
final class KimiParser implements BodyParser {
    static final String SECTION_BEGIN = "<|tool_calls_section_begin|>";
    static final String SECTION_END = "<|tool_calls_section_end|>";
    static final String CALL_BEGIN = "<|tool_call_begin|>";
    static final String ARGUMENT_BEGIN = "<|tool_call_argument_begin|>";
    static final String CALL_END = "<|tool_call_end|>";

    @Override
    public String markerStarts() {
        return "<";
    }

    @Override
    public void parse(String t, int pos, boolean finished, Snapshot out) {
        int[] m = Markers.next(t, pos, finished, out, SECTION_BEGIN, CALL_BEGIN);
        if (m == null) {
            return;
        }
        int p = m[1] == 0 ? m[0] + SECTION_BEGIN.length() : m[0];
        while (true) {
            p = JsonScan.skipSpace(t, p);
            if (t.startsWith(SECTION_END, p)) {
                out.content(t, JsonScan.skipSpace(t, p + SECTION_END.length()), t.length());
                return;
            }
            if (!t.startsWith(CALL_BEGIN, p)) {
                boolean mayCome = Markers.isPrefixOf(t, p, SECTION_END) || Markers.isPrefixOf(t, p, CALL_BEGIN);
                if (!finished && (mayCome || p >= t.length())) {
                    return;
                }
                out.content(t, p, t.length());
                return;
            }
            int idStart = p + CALL_BEGIN.length();
            int argBegin = t.indexOf(ARGUMENT_BEGIN, idStart);
            if (argBegin < 0) {
                if (!finished) {
                    return;
                }
                out.content(t, p, t.length());
                return;
            }
            String id = t.substring(idStart, argBegin).strip();
            JsonCalls.Step s = JsonCalls.arguments(t, JsonScan.skipSpace(t, argBegin + ARGUMENT_BEGIN.length()), finished, out,
                    id, nameOf(id));
            if (!JsonCalls.goesOn(s, t, out)) {
                return;
            }
            p = Markers.pastOptional(t, s.pos(), CALL_END, finished);
            if (p < 0) {
                return;
            }
        }
    }

    /** {@code functions.get_weather:0} -> {@code get_weather}. */
    static String nameOf(String id) {
        String name = id.startsWith("functions.") ? id.substring("functions.".length()) : id;
        int colon = name.lastIndexOf(':');
        return colon > 0 ? name.substring(0, colon) : name;
    }
}
