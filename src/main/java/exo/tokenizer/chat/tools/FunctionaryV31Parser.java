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
            int[] m = Markers.next(t, pos, finished, out, FUNCTION, PYTHON_TAG);
            if (m == null) {
                return;
            }
            if (m[1] == 1) {
                String code = t.substring(m[0] + PYTHON_TAG.length());
                out.call(null, "python", "{\"code\": " + (finished ? Json.quote(code) + "}" : Json.quoteOpen(code)), finished, finished);
                return;
            }
            int after = m[0] + FUNCTION.length();
            JsonCalls.Step s = JsonCalls.function(t, after, finished, out);
            pos = JsonCalls.resume(s, t, m[0], after, FUNCTION_CLOSE, finished, out);
            if (pos < 0) {
                return;
            }
        }
    }
}
