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
        int[] m = Markers.first(t, pos, SECTION_BEGIN, CALL_BEGIN);
        if (m == null) {
            out.plain(t, pos, finished ? t.length() : t.length() - Markers.heldBack(t, pos, SECTION_BEGIN, CALL_BEGIN));
            return;
        }
        out.content(t, pos, m[0]);
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
            switch (s.kind()) {
                case WAIT -> {
                    return;
                }
                case BROKEN -> {
                    out.content(t, s.pos(), t.length());
                    return;
                }
                default -> {
                }
            }
            int q = JsonScan.skipSpace(t, s.pos());
            if (!finished && Markers.isPrefixOf(t, q, CALL_END)) {
                return;
            }
            p = t.startsWith(CALL_END, q) ? q + CALL_END.length() : q;
        }
    }

    /** {@code functions.get_weather:0} -> {@code get_weather}. */
    static String nameOf(String id) {
        String name = id.startsWith("functions.") ? id.substring("functions.".length()) : id;
        int colon = name.lastIndexOf(':');
        return colon > 0 ? name.substring(0, colon) : name;
    }
}
