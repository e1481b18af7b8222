package exo.tokenizer.chat.tools;

import java.util.List;

/**
 * Command R7B: after its thinking, either {@code <|START_ACTION|>[{"tool_call_id": "0",
 * "tool_name": ..., "parameters": {...}}]<|END_ACTION|>} or
 * {@code <|START_RESPONSE|>TEXT<|END_RESPONSE|>}, or plain text.
 */
final class CommandR7bParser implements BodyParser {
    static final String START_ACTION = "<|START_ACTION|>";
    static final String END_ACTION = "<|END_ACTION|>";
    static final String START_RESPONSE = "<|START_RESPONSE|>";
    static final String END_RESPONSE = "<|END_RESPONSE|>";
    private static final List<String> NAME = List.of("tool_name");
    private static final List<String> ARGS = List.of("parameters");

    @Override
    public String markerStarts() {
        return "<";
    }

    @Override
    public void parse(String t, int pos, boolean finished, Snapshot out) {
        int[] m = Markers.next(t, pos, finished, out, START_ACTION, START_RESPONSE);
        if (m == null) {
            return;
        }
        if (m[1] == 1) {
            int from = m[0] + START_RESPONSE.length();
            int end = t.indexOf(END_RESPONSE, from);
            if (end >= 0) {
                out.content(t, from, end);
            } else {
                out.plain(t, from, finished ? t.length() : t.length() - Markers.heldBack(t, from, END_RESPONSE));
            }
            return;
        }
        int p = JsonScan.skipSpace(t, m[0] + START_ACTION.length());
        if (p >= t.length()) {
            if (finished) {
                out.content(t, m[0], t.length());
            }
            return;
        }
        JsonCalls.Step s = t.charAt(p) == '[' ? JsonCalls.array(t, p, finished, out, NAME, ARGS, "tool_call_id")
                : JsonCalls.Step.NOT_A_CALL;
        switch (s.kind()) {
            case WAIT -> {
            }
            case NOT_A_CALL -> out.content(t, m[0], t.length());
            case BROKEN -> out.content(t, s.pos(), t.length());
            case DONE -> {
                int q = Markers.pastOptional(t, s.pos(), END_ACTION, finished);
                if (q >= 0) {
                    out.content(t, q, t.length());
                }
            }
        }
    }
}
