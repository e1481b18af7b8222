package exo.tokenizer.chat.tools;

import java.util.List;

/**
 * Hermes 2/3, Qwen 2.5, QwQ, Qwen3: {@code <tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>},
 * one block per call, text around them content. Also the {@code <function=NAME>{...}</function>}
 * form some of these models fall back to, as llama.cpp accepts it.
 */
final class HermesParser implements BodyParser {
    static final String OPEN = "<tool_call>";
    static final String CLOSE = "</tool_call>";
    static final String FUNCTION = "<function=";
    static final String FUNCTION_CLOSE = "</function>";
    private static final List<String> NAME = List.of("name");
    private static final List<String> ARGS = List.of("arguments", "parameters");

    @Override
    public String markerStarts() {
        return "<";
    }

    @Override
    public void parse(String t, int pos, boolean finished, Snapshot out) {
        while (true) {
            int[] m = Markers.first(t, pos, OPEN, FUNCTION);
            if (m == null) {
                out.plain(t, pos, finished ? t.length() : t.length() - Markers.heldBack(t, pos, OPEN, FUNCTION));
                return;
            }
            out.content(t, pos, m[0]);
            boolean block = m[1] == 0;
            String close = block ? CLOSE : FUNCTION_CLOSE;
            int after = m[0] + (block ? OPEN : FUNCTION).length();
            JsonCalls.Step s;
            if (block) {
                s = JsonCalls.object(t, JsonScan.skipSpace(t, after), finished, out, NAME, ARGS, null);
            } else {
                int gt = t.indexOf('>', after);
                String name = gt < 0 ? null : t.substring(after, gt);
                if (gt < 0 && !finished && t.length() - after < 256 && t.indexOf('\n', after) < 0) {
                    return;
                }
                if (name == null || !ToolNames.isName(name)) {
                    out.content(t, m[0], after);
                    pos = after;
                    continue;
                }
                s = JsonCalls.arguments(t, JsonScan.skipSpace(t, gt + 1), finished, out, null, name);
            }
            switch (s.kind()) {
                case WAIT -> {
                    return;
                }
                case NOT_A_CALL -> {
                    out.content(t, m[0], after);
                    pos = after;
                }
                case BROKEN -> pos = s.pos();
                case DONE -> {
                    int q = JsonScan.skipSpace(t, s.pos());
                    if (t.startsWith(close, q)) {
                        pos = JsonScan.skipSpace(t, q + close.length());
                    } else if (!finished && Markers.isPrefixOf(t, q, close)) {
                        return;
                    } else {
                        pos = q;
                    }
                }
            }
        }
    }
}
