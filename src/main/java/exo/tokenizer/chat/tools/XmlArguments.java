package exo.tokenizer.chat.tools;

import java.util.List;

/**
 * Arguments written as key/value markup (Qwen3-Coder's {@code <parameter=k>v</parameter>},
 * GLM's {@code <arg_key>k</arg_key><arg_value>v</arg_value>}), turned into a JSON object: a
 * value is a JSON string when the tool's schema says the parameter is a string, otherwise the
 * value itself when it reads as one JSON value (a number, true, an array, ...), otherwise a
 * string. The object grows by whole parameters.
 */
final class XmlArguments {
    private final List<ToolDefinition> tools;
    private final String name;
    private final StringBuilder json = new StringBuilder("{");
    private int count;

    XmlArguments(List<ToolDefinition> tools, String name) {
        this.tools = tools;
        this.name = name;
    }

    void add(String key, String raw) {
        json.append(count++ > 0 ? ", " : "").append(Json.quote(key)).append(": ").append(value(key, raw));
    }

    /** Writes the call with the parameters so far, closed at {@code end}; returns {@code end}. */
    int closeAt(int end, boolean complete, Snapshot out) {
        out.call(null, name, closed(), true, complete);
        return end;
    }

    /**
     * The text ends inside the call: writes it with the parameters so far, closed once the text
     * is finished. Returns the end of the text then, else -1 (wait for more).
     */
    int cutShort(String t, boolean finished, Snapshot out) {
        out.call(null, name, finished ? closed() : json.toString(), finished, false);
        return finished ? t.length() : -1;
    }

    private String closed() {
        return json + "}";
    }

    private String value(String key, String raw) {
        String type = null;
        for (ToolDefinition t : tools) {
            if (t.name().equals(name)) {
                type = t.propertyType(key);
            }
        }
        if (!"string".equals(type)) {
            String v = Json.valueOrNull(raw.strip());
            if (v != null) {
                return v;
            }
        }
        return Json.quote(raw);
    }
}
