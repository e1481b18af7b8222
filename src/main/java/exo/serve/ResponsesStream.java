package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.serve.http.HttpError;
import exo.tokenizer.chat.tools.ToolCallEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * A Responses API answer as OpenAI streams it, every event with its sequence number:
 * {@code response.created} and {@code response.in_progress}; then one output item after
 * another ({@code response.output_item.added} ... {@code response.output_item.done}): reasoning
 * with {@code response.reasoning_text.delta}s, the message with its output_text part
 * ({@code response.content_part.added}, {@code response.output_text.delta}s, their
 * {@code .done}s), each function call with {@code response.function_call_arguments.delta}s; then
 * {@code response.completed} (or {@code response.incomplete}) with the whole response.
 */
final class ResponsesStream implements Generations.Framing {
    private enum Kind { NONE, REASONING, MESSAGE, CALL }

    private final ResponsesApi api;
    private final ResponsesApi.Call call;
    private final ArrayNode done = OpenAiApi.JSON.createArrayNode();
    private int sequence;
    private Kind open = Kind.NONE;
    private String itemId;
    private final StringBuilder text = new StringBuilder();
    private int callIndex = -1;
    private String callId;
    private String callName;

    ResponsesStream(ResponsesApi api, ResponsesApi.Call call) {
        this.api = api;
        this.call = call;
    }

    @Override
    public String contentType() {
        return Sse.CONTENT_TYPE;
    }

    @Override
    public List<String> opening(int promptTokens) {
        ObjectNode r = api.response(call, "in_progress", OpenAiApi.JSON.createArrayNode(), null);
        return List.of(event("response.created", e -> e.set("response", r)),
                event("response.in_progress", e -> e.set("response", r)));
    }

    @Override
    public List<String> events(List<ToolCallEvent> events, List<TokenLogprob> logprobs) {
        List<String> out = new ArrayList<>();
        for (ToolCallEvent ev : events) {
            switch (ev) {
                case ToolCallEvent.ReasoningDelta r -> {
                    if (open != Kind.REASONING) {
                        start(Kind.REASONING, "rs_", out, ResponsesApi.reasoningItem(null, ""));
                    }
                    text.append(r.text());
                    out.add(event("response.reasoning_text.delta", e -> e.put("item_id", itemId)
                            .put("output_index", done.size()).put("content_index", 0).put("delta", r.text())));
                }
                case ToolCallEvent.ContentDelta c -> {
                    if (open != Kind.MESSAGE) {
                        start(Kind.MESSAGE, "msg_", out, ResponsesApi.messageItem(null, "in_progress", null));
                        out.add(event("response.content_part.added", e -> e.put("item_id", itemId)
                                .put("output_index", done.size()).put("content_index", 0)
                                .set("part", ResponsesApi.textPart(""))));
                    }
                    text.append(c.text());
                    out.add(event("response.output_text.delta", e -> {
                        e.put("item_id", itemId).put("output_index", done.size()).put("content_index", 0)
                                .put("delta", c.text());
                        e.putArray("logprobs");
                    }));
                }
                case ToolCallEvent.ToolCallStart s -> {
                    close(out);
                    callIndex = s.index();
                    callId = s.id();
                    callName = s.name();
                    start(Kind.CALL, "fc_", out, ResponsesApi.callItem(null, s.id(), s.name(), "", "in_progress"));
                }
                case ToolCallEvent.ToolCallArguments a -> {
                    if (open == Kind.CALL && a.index() == callIndex) {
                        text.append(a.fragment());
                        out.add(event("response.function_call_arguments.delta", e -> e.put("item_id", itemId)
                                .put("output_index", done.size()).put("delta", a.fragment())));
                    }
                }
                case ToolCallEvent.ToolCallEnd end -> {
                    if (open == Kind.CALL && end.index() == callIndex) {
                        close(out);
                    }
                }
            }
        }
        return out;
    }

    /** Opens an output item of {@code kind}, closing the one before. */
    private void start(Kind kind, String prefix, List<String> out, ObjectNode item) {
        close(out);
        open = kind;
        itemId = OpenAiApi.newId(prefix);
        item.put("id", itemId);
        text.setLength(0);
        out.add(event("response.output_item.added", e -> e.put("output_index", done.size()).set("item", item)));
    }

    private void close(List<String> out) {
        if (open == Kind.NONE) {
            return;
        }
        String t = text.toString();
        int index = done.size();
        ObjectNode item = switch (open) {
            case REASONING -> {
                out.add(event("response.reasoning_text.done", e -> e.put("item_id", itemId).put("output_index", index)
                        .put("content_index", 0).put("text", t)));
                yield ResponsesApi.reasoningItem(itemId, t);
            }
            case MESSAGE -> {
                out.add(event("response.output_text.done", e -> {
                    e.put("item_id", itemId).put("output_index", index).put("content_index", 0).put("text", t);
                    e.putArray("logprobs");
                }));
                out.add(event("response.content_part.done", e -> e.put("item_id", itemId).put("output_index", index)
                        .put("content_index", 0).set("part", ResponsesApi.textPart(t))));
                yield ResponsesApi.messageItem(itemId, "completed", t);
            }
            case CALL -> {
                out.add(event("response.function_call_arguments.done", e -> e.put("item_id", itemId)
                        .put("output_index", index).put("name", callName).put("arguments", t)));
                yield ResponsesApi.callItem(itemId, callId, callName, t, "completed");
            }
            case NONE -> throw new IllegalStateException();
        };
        out.add(event("response.output_item.done", e -> e.put("output_index", index).set("item", item)));
        done.add(item);
        open = Kind.NONE;
    }

    @Override
    public List<String> last(Answer a, long totalNanos) {
        List<String> out = new ArrayList<>();
        if (done.isEmpty() && open == Kind.NONE) {
            // a response always has its message, if an empty one
            start(Kind.MESSAGE, "msg_", out, ResponsesApi.messageItem(null, "in_progress", null));
        }
        close(out);
        String status = ResponsesApi.status(a);
        ObjectNode r = api.response(call, status, done.deepCopy(), a);
        api.keep(call, r, a);
        out.add(event(status.equals("completed") ? "response.completed" : "response.incomplete", e -> e.set("response", r)));
        return out;
    }

    @Override
    public String failure(HttpError e) {
        ObjectNode err = OpenAiApi.JSON.createObjectNode().put("type", "error").put("code", e.code())
                .put("message", e.getMessage()).put("param", e.param()).put("sequence_number", sequence++);
        return Sse.event("error", err);
    }

    @Override
    public JsonNode whole(Answer a, long totalNanos) {
        ObjectNode r = api.response(call, ResponsesApi.status(a), ResponsesApi.items(a), a);
        api.keep(call, r, a);
        return r;
    }

    private String event(String type, java.util.function.Consumer<ObjectNode> fill) {
        ObjectNode e = OpenAiApi.JSON.createObjectNode().put("type", type);
        fill.accept(e);
        e.put("sequence_number", sequence++);
        return Sse.event(type, e);
    }
}
