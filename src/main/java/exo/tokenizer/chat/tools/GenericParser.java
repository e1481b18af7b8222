package exo.tokenizer.chat.tools;

import java.util.List;

/**
 * llama.cpp's generic format for templates without a tool syntax of their own: the reply is
 * one JSON object, {@code {"tool_calls": [{"name", "arguments", "id"?}, ...]}},
 * {@code {"tool_call": {"name", "arguments"}}} or {@code {"response": ...}} (a string
 * response is the content, streamed as it is decoded). Anything else is content.
 */
final class GenericParser implements BodyParser {
    private static final List<String> NAME = List.of("name");
    private static final List<String> ARGS = List.of("arguments");

    @Override
    public String markerStarts() {
        return "";
    }

    @Override
    public void parse(String t, int pos, boolean finished, Snapshot out) {
        int p = JsonScan.skipSpace(t, pos);
        if (p >= t.length()) {
            if (finished) {
                out.content(t, pos, t.length());
            }
            return;
        }
        if (t.charAt(p) != '{') {
            out.plain(t, pos, t.length());
            return;
        }
        JsonScan.Result r = JsonScan.value(t, p, finished);
        if (r.members().isEmpty()) {
            if (r.status() == JsonScan.Status.PARTIAL && !finished) {
                return;
            }
            out.content(t, pos, t.length());
            return;
        }
        JsonScan.Member first = r.members().getFirst();
        switch (first.key()) {
            case "response" -> response(t, first, finished, out);
            case "tool_calls" -> {
                if (first.valueStart() >= t.length()) {
                    return;
                }
                if (t.charAt(first.valueStart()) == '[') {
                    JsonCalls.array(t, first.valueStart(), finished, out, NAME, ARGS, "id");
                } else {
                    out.content(t, pos, t.length());
                }
            }
            case "tool_call" -> {
                JsonCalls.Step s = JsonCalls.object(t, first.valueStart(), finished, out, NAME, ARGS, "id");
                if (s.kind() == JsonCalls.Kind.NOT_A_CALL) {
                    out.content(t, pos, t.length());
                }
            }
            default -> out.content(t, pos, t.length());
        }
    }

    private static void response(String t, JsonScan.Member m, boolean finished, Snapshot out) {
        if (m.valueStart() >= t.length()) {
            return;
        }
        if (t.charAt(m.valueStart()) == '"') {
            if (m.valueStatus() == JsonScan.Status.COMPLETE) {
                out.content.append(JsonScan.decodeString(t, m.valueStart(), m.valueEnd()));
            } else if (m.valueStatus() == JsonScan.Status.PARTIAL) {
                out.content.append(JsonScan.decodePrefix(t, m.valueStart() + 1, t.length()));
            } else {
                out.content.append(JsonScan.decodePrefix(t, m.valueStart() + 1, m.valueEnd()));
            }
        } else if (m.valueStatus() == JsonScan.Status.COMPLETE) {
            out.content.append(Json.valueOrNull(t.substring(m.valueStart(), m.valueEnd())));
        }
    }
}
