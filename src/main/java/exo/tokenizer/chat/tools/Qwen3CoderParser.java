package exo.tokenizer.chat.tools;

import java.util.List;

/**
 * Qwen3-Coder: {@code <tool_call>\n<function=NAME>\n<parameter=KEY>\nVALUE\n</parameter>\n...</function>\n</tool_call>}.
 * A value loses one newline at each end, as the template writes them (Qwen's own parser does
 * the same; indentation inside code stays).
 */
final class Qwen3CoderParser implements BodyParser {
    static final String OPEN = "<tool_call>";
    static final String CLOSE = "</tool_call>";
    static final String FUNCTION = "<function=";
    static final String FUNCTION_CLOSE = "</function>";
    static final String PARAMETER = "<parameter=";
    static final String PARAMETER_CLOSE = "</parameter>";

    private final List<ToolDefinition> tools;

    Qwen3CoderParser(List<ToolDefinition> tools) {
        this.tools = tools;
    }

    @Override
    public String markerStarts() {
        return "<";
    }

    @Override
    public void parse(String t, int pos, boolean finished, Snapshot out) {
        while (true) {
            int[] m = Markers.next(t, pos, finished, out, OPEN, FUNCTION);
            if (m == null) {
                return;
            }
            int p = m[1] == 0 ? JsonScan.skipSpace(t, m[0] + OPEN.length()) : m[0];
            if (!finished && Markers.isPrefixOf(t, p, FUNCTION)) {
                return;
            }
            if (!t.startsWith(FUNCTION, p)) {
                out.content(t, m[0], p);
                pos = p;
                continue;
            }
            int gt = t.indexOf('>', p + FUNCTION.length());
            int nl = t.indexOf('\n', p + FUNCTION.length());
            if (gt < 0 || (nl >= 0 && nl < gt)) {
                if (!finished && nl < 0) {
                    return;
                }
                out.content(t, m[0], p + FUNCTION.length());
                pos = p + FUNCTION.length();
                continue;
            }
            String name = t.substring(p + FUNCTION.length(), gt).strip();
            int end = parameters(t, gt + 1, name, finished, out);
            if (end < 0) {
                return;
            }
            int q = m[1] == 0 ? Markers.pastOptional(t, end, CLOSE, finished) : JsonScan.skipSpace(t, end);
            if (q < 0) {
                return;
            }
            pos = q;
        }
    }

    /** Reads parameters up to {@code </function>}; writes the call; the index after it, or -1 to wait. */
    private int parameters(String t, int at, String name, boolean finished, Snapshot out) {
        XmlArguments args = new XmlArguments(tools, name);
        int p = at;
        while (true) {
            p = JsonScan.skipSpace(t, p);
            if (t.startsWith(FUNCTION_CLOSE, p)) {
                return args.closeAt(p + FUNCTION_CLOSE.length(), true, out);
            }
            if (t.startsWith(PARAMETER, p)) {
                int gt = t.indexOf('>', p + PARAMETER.length());
                int close = gt < 0 ? -1 : t.indexOf(PARAMETER_CLOSE, gt + 1);
                if (close >= 0) {
                    String key = t.substring(p + PARAMETER.length(), gt).strip();
                    String raw = t.substring(gt + 1, close);
                    raw = raw.startsWith("\n") ? raw.substring(1) : raw;
                    raw = raw.endsWith("\n") ? raw.substring(0, raw.length() - 1) : raw;
                    args.add(key, raw);
                    p = close + PARAMETER_CLOSE.length();
                    continue;
                }
            } else if (p < t.length() && !(Markers.isPrefixOf(t, p, FUNCTION_CLOSE) || Markers.isPrefixOf(t, p, PARAMETER))) {
                // something else: the call ends here, unfinished
                return args.closeAt(p, false, out);
            }
            return args.cutShort(t, finished, out);
        }
    }
}
