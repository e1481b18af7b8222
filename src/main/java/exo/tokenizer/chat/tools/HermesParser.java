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
            int[] m = Markers.next(t, pos, finished, out, OPEN, FUNCTION);
            if (m == null) {
                return;
            }
            boolean block = m[1] == 0;
            String close = block ? CLOSE : FUNCTION_CLOSE;
            int after = m[0] + (block ? OPEN : FUNCTION).length();
            JsonCalls.Step s = block ? JsonCalls.object(t, JsonScan.skipSpace(t, after), finished, out, NAME, ARGS, null)
                    : JsonCalls.function(t, after, finished, out);
            pos = JsonCalls.resume(s, t, m[0], after, close, finished, out);
            if (pos < 0) {
                return;
            }
        }
    }
}
