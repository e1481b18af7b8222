package exo.tokenizer.chat.tools;

import java.util.List;

/**
 * GLM 4.5/4.6: {@code <tool_call>NAME\n<arg_key>K</arg_key>\n<arg_value>V</arg_value>\n...</tool_call>},
 * values as written (the template writes strings bare and other values as JSON).
 */
final class GlmParser implements BodyParser {
    static final String OPEN = "<tool_call>";
    static final String CLOSE = "</tool_call>";
    static final String KEY = "<arg_key>";
    static final String KEY_CLOSE = "</arg_key>";
    static final String VALUE = "<arg_value>";
    static final String VALUE_CLOSE = "</arg_value>";

    private final List<ToolDefinition> tools;

    GlmParser(List<ToolDefinition> tools) {
        this.tools = tools;
    }

    @Override
    public String markerStarts() {
        return "<";
    }

    @Override
    public void parse(String t, int pos, boolean finished, Snapshot out) {
        while (true) {
            int[] m = Markers.next(t, pos, finished, out, OPEN);
            if (m == null) {
                return;
            }
            int at = m[0];
            int nameStart = at + OPEN.length();
            int[] nameEnd = Markers.first(t, nameStart, "\n", KEY, CLOSE);
            if (nameEnd == null) {
                if (!finished) {
                    return;
                }
                out.content(t, at, t.length());
                return;
            }
            String name = t.substring(nameStart, nameEnd[0]).strip();
            if (!ToolNames.isName(name)) {
                out.content(t, at, nameStart);
                pos = nameStart;
                continue;
            }
            int end = arguments(t, nameEnd[0], name, finished, out);
            if (end < 0) {
                return;
            }
            pos = JsonScan.skipSpace(t, end);
        }
    }

    private int arguments(String t, int at, String name, boolean finished, Snapshot out) {
        XmlArguments args = new XmlArguments(tools, name);
        int p = at;
        while (true) {
            p = JsonScan.skipSpace(t, p);
            if (t.startsWith(CLOSE, p)) {
                return args.closeAt(p + CLOSE.length(), true, out);
            }
            if (t.startsWith(KEY, p)) {
                int keyClose = t.indexOf(KEY_CLOSE, p);
                int value = keyClose < 0 ? -1 : JsonScan.skipSpace(t, keyClose + KEY_CLOSE.length());
                boolean hasValue = value >= 0 && t.startsWith(VALUE, value);
                int valueClose = hasValue ? t.indexOf(VALUE_CLOSE, value) : -1;
                if (valueClose >= 0) {
                    args.add(t.substring(p + KEY.length(), keyClose).strip(), t.substring(value + VALUE.length(), valueClose));
                    p = valueClose + VALUE_CLOSE.length();
                    continue;
                }
                if (value >= 0 && value < t.length() && !hasValue && !Markers.isPrefixOf(t, value, VALUE)) {
                    return args.closeAt(value, false, out);
                }
            } else if (p < t.length() && !(Markers.isPrefixOf(t, p, CLOSE) || Markers.isPrefixOf(t, p, KEY))) {
                return args.closeAt(p, false, out);
            }
            return args.cutShort(t, finished, out);
        }
    }
}
