package exo.tokenizer.chat.tools;

/**
 * Functionary v3.1 (Llama 3.1 based): {@code <function=NAME>{...}</function>}, and
 * {@code <|python_tag|>} followed by code for the python tool.
 */
final class FunctionaryV31Parser implements BodyParser {
    static final String FUNCTION = "<function=";
    static final String FUNCTION_CLOSE = "</function>";
    static final String PYTHON_TAG = "<|python_tag|>";

    @Override
    public String markerStarts() {
        return "<";
    }

    @Override
    public void parse(String t, int pos, boolean finished, Snapshot out) {
        while (true) {
            int[] m = Markers.first(t, pos, FUNCTION, PYTHON_TAG);
            if (m == null) {
                out.plain(t, pos, finished ? t.length() : t.length() - Markers.heldBack(t, pos, FUNCTION, PYTHON_TAG));
                return;
            }
            out.content(t, pos, m[0]);
            if (m[1] == 1) {
                String code = t.substring(m[0] + PYTHON_TAG.length());
                out.call(null, "python", "{\"code\": " + (finished ? Json.quote(code) + "}" : Json.quoteOpen(code)), finished, finished);
                return;
            }
            int after = m[0] + FUNCTION.length();
            int gt = t.indexOf('>', after);
            if (gt < 0 && !finished && t.length() - after < 256 && t.indexOf('\n', after) < 0) {
                return;
            }
            String name = gt < 0 ? null : t.substring(after, gt);
            if (name == null || !ToolNames.isName(name)) {
                out.content(t, m[0], after);
                pos = after;
                continue;
            }
            JsonCalls.Step s = JsonCalls.arguments(t, JsonScan.skipSpace(t, gt + 1), finished, out, null, name);
            switch (s.kind()) {
                case WAIT -> {
                    return;
                }
                case BROKEN -> pos = s.pos();
                default -> {
                    int q = JsonScan.skipSpace(t, s.pos());
                    if (!finished && Markers.isPrefixOf(t, q, FUNCTION_CLOSE)) {
                        return;
                    }
                    pos = t.startsWith(FUNCTION_CLOSE, q) ? JsonScan.skipSpace(t, q + FUNCTION_CLOSE.length()) : q;
                }
            }
        }
    }
}
