package exo.tokenizer.chat.tools;

import java.util.List;

/**
 * Mistral: {@code [TOOL_CALLS]} then either a JSON array of {@code {"name", "arguments", "id"}}
 * objects (Mistral Nemo) or, in the newer templates (Devstral, Magistral, Ministral 3),
 * {@code NAME[ARGS]{...}} with an optional {@code [CALL_ID]ID} before {@code [ARGS]}, the
 * marker repeated before each further call.
 */
final class MistralParser implements BodyParser {
    static final String TOOL_CALLS = "[TOOL_CALLS]";
    static final String ARGS = "[ARGS]";
    static final String CALL_ID = "[CALL_ID]";
    private static final List<String> NAME_KEYS = List.of("name");
    private static final List<String> ARG_KEYS = List.of("arguments", "parameters");

    @Override
    public String markerStarts() {
        return "[";
    }

    @Override
    public void parse(String t, int pos, boolean finished, Snapshot out) {
        while (true) {
            int[] m = Markers.next(t, pos, finished, out, TOOL_CALLS);
            if (m == null) {
                return;
            }
            int at = m[0];
            int p = JsonScan.skipSpace(t, at + TOOL_CALLS.length());
            if (p >= t.length()) {
                if (!finished) {
                    return;
                }
                out.content(t, at, t.length());
                return;
            }
            JsonCalls.Step s;
            if (t.charAt(p) == '[' && !t.startsWith(ARGS, p) && !t.startsWith(CALL_ID, p)) {
                s = JsonCalls.array(t, p, finished, out, NAME_KEYS, ARG_KEYS, "id");
            } else {
                s = named(t, p, finished, out);
            }
            switch (s.kind()) {
                case WAIT -> {
                    return;
                }
                case NOT_A_CALL -> {
                    out.content(t, at, at + TOOL_CALLS.length());
                    pos = at + TOOL_CALLS.length();
                }
                default -> pos = JsonScan.skipSpace(t, s.pos());
            }
        }
    }

    /** {@code NAME[CALL_ID]ID[ARGS]{...}} or {@code NAME[ARGS]{...}}. */
    private JsonCalls.Step named(String t, int p, boolean finished, Snapshot out) {
        int[] m = Markers.first(t, p, ARGS, CALL_ID);
        int limit = t.indexOf('\n', p);
        if (m == null || (limit >= 0 && limit < m[0])) {
            boolean mayCome = !finished && limit < 0 && t.length() - p < 256;
            return mayCome ? JsonCalls.Step.WAIT : JsonCalls.Step.NOT_A_CALL;
        }
        String name = t.substring(p, m[0]).strip();
        if (!ToolNames.isName(name)) {
            return JsonCalls.Step.NOT_A_CALL;
        }
        String id = null;
        int argsAt = m[0] + ARGS.length();
        if (m[1] == 1) {
            int args = t.indexOf(ARGS, m[0]);
            if (args < 0) {
                return finished ? JsonCalls.Step.NOT_A_CALL : JsonCalls.Step.WAIT;
            }
            id = t.substring(m[0] + CALL_ID.length(), args).strip();
            argsAt = args + ARGS.length();
        }
        return JsonCalls.arguments(t, JsonScan.skipSpace(t, argsAt), finished, out, id, name);
    }
}
