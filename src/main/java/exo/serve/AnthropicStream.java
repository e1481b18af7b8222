package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.serve.http.HttpError;
import exo.tokenizer.chat.tools.ToolCallEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Messages API answer as Anthropic streams it: {@code message_start}, a {@code ping}, then
 * one content block after another ({@code content_block_start}, deltas, {@code
 * content_block_stop}): thinking with {@code thinking_delta}s, text with {@code text_delta}s,
 * each tool call a tool_use block with {@code input_json_delta}s; then {@code message_delta}
 * (stop_reason, stop_sequence, output tokens) and {@code message_stop}. Errors after the start
 * are an {@code error} event.
 */
final class AnthropicStream implements Generations.Framing {
    private enum Block { NONE, THINKING, TEXT, TOOL }

    private final AnthropicApi api;
    private final String id;
    private Block open = Block.NONE;
    private int index = -1;
    /** Content block of each tool call, by the call's index. */
    private final Map<Integer, Integer> callBlocks = new HashMap<>();

    AnthropicStream(AnthropicApi api, String id) {
        this.api = api;
        this.id = id;
    }

    @Override
    public String contentType() {
        return Sse.CONTENT_TYPE;
    }

    @Override
    public List<String> opening(int promptTokens) {
        return List.of(Sse.event("message_start", json("message_start").set("message", api.start(id, promptTokens))),
                Sse.event("ping", json("ping")));
    }

    @Override
    public List<String> events(List<ToolCallEvent> events, List<TokenLogprob> logprobs) {
        List<String> out = new ArrayList<>();
        for (ToolCallEvent e : events) {
            switch (e) {
                case ToolCallEvent.ReasoningDelta r -> {
                    enter(Block.THINKING, json("content_block_start").set("content_block",
                            json("thinking").put("thinking", "").put("signature", "")), out);
                    out.add(delta(json("thinking_delta").put("thinking", r.text())));
                }
                case ToolCallEvent.ContentDelta c -> {
                    enter(Block.TEXT, json("content_block_start").set("content_block", json("text").put("text", "")), out);
                    out.add(delta(json("text_delta").put("text", c.text())));
                }
                case ToolCallEvent.ToolCallStart s -> {
                    close(out);
                    ObjectNode block = json("tool_use").put("id", s.id()).put("name", s.name());
                    block.putObject("input");
                    enter(Block.TOOL, json("content_block_start").set("content_block", block), out);
                    callBlocks.put(s.index(), index);
                }
                case ToolCallEvent.ToolCallArguments a -> {
                    if (java.util.Objects.equals(callBlocks.get(a.index()), index) && open == Block.TOOL) {
                        out.add(delta(json("input_json_delta").put("partial_json", a.fragment())));
                    }
                }
                case ToolCallEvent.ToolCallEnd end -> {
                    if (java.util.Objects.equals(callBlocks.get(end.index()), index) && open == Block.TOOL) {
                        close(out);
                    }
                }
            }
        }
        return out;
    }

    /** Opens a block of {@code kind} unless one is open (closing another kind first). */
    private void enter(Block kind, ObjectNode start, List<String> out) {
        if (open == kind && kind != Block.TOOL) {
            return;
        }
        close(out);
        index++;
        open = kind;
        out.add(Sse.event("content_block_start", start.put("index", index)));
    }

    private void close(List<String> out) {
        if (open == Block.NONE) {
            return;
        }
        if (open == Block.THINKING) {
            out.add(delta(json("signature_delta").put("signature", "")));
        }
        out.add(Sse.event("content_block_stop", json("content_block_stop").put("index", index)));
        open = Block.NONE;
    }

    private String delta(ObjectNode delta) {
        ObjectNode e = json("content_block_delta").put("index", index);
        e.set("delta", delta);
        return Sse.event("content_block_delta", e);
    }

    @Override
    public List<String> last(Answer a, long totalNanos) {
        List<String> out = new ArrayList<>();
        if (index < 0) {
            // a message always has a block, if an empty text one
            enter(Block.TEXT, json("content_block_start").set("content_block", json("text").put("text", "")), out);
        }
        close(out);
        ObjectNode message = json("message_delta");
        ObjectNode delta = message.putObject("delta").put("stop_reason", AnthropicApi.stopReason(a));
        if (a.result().stopSequence() != null && !a.calledTools()) {
            delta.put("stop_sequence", a.result().stopSequence());
        } else {
            delta.putNull("stop_sequence");
        }
        message.putObject("usage").put("output_tokens", a.result().completionTokens());
        out.add(Sse.event("message_delta", message));
        out.add(Sse.event("message_stop", json("message_stop")));
        return out;
    }

    @Override
    public String failure(HttpError e) {
        return Sse.event("error", AnthropicApi.error(e));
    }

    @Override
    public JsonNode whole(Answer a, long totalNanos) {
        return api.whole(id, a);
    }

    private static ObjectNode json(String type) {
        return OpenAiApi.JSON.createObjectNode().put("type", type);
    }
}
