package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.engine.sampling.SamplingParams;
import exo.serve.http.HttpError;
import exo.tokenizer.chat.ChatMessage;
import exo.tokenizer.chat.ChatMessages;
import exo.tokenizer.chat.tools.ParsedMessage;
import exo.tokenizer.chat.tools.ToolCall;
import exo.tokenizer.chat.tools.ToolCallEvent;
import exo.tokenizer.chat.tools.ToolDefinition;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's API as its official clients use it: chat completions (tools and tool calls,
 * response formats, reasoning_content, logprobs, logit_bias) and completions, whole or
 * streamed as server-sent events ending in {@code data: [DONE]}, and the model list. Requests
 * are checked field by field, each refusal naming the field.
 */
final class OpenAiApi {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The fields this server reads or knowingly ignores; any other is refused so a typo is not silent. */
    private static final Set<String> CHAT_FIELDS = Set.of("model", "messages", "stream", "stream_options", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "seed", "stop", "n", "logprobs", "top_logprobs",
            "presence_penalty", "frequency_penalty", "response_format", "user", "top_k", "min_p", "repeat_penalty",
            "logit_bias", "parallel_tool_calls", "metadata", "store", "tools", "tool_choice", "chat_template_kwargs",
            "reasoning_format");
    private static final Set<String> COMPLETION_FIELDS = Set.of("model", "prompt", "stream", "stream_options",
            "max_tokens", "temperature", "top_p", "seed", "stop", "n", "logprobs", "presence_penalty",
            "frequency_penalty", "user", "top_k", "min_p", "repeat_penalty", "echo", "suffix", "best_of", "logit_bias");

    private static final long STARTED = System.currentTimeMillis() / 1000;
    private final ServedModel model;

    OpenAiApi(ServedModel model) {
        this.model = model;
    }

    ServedModel model() {
        return model;
    }

    /** A parsed request: what to generate (its prompt not yet tokenized), whether to stream, and the usage chunk. */
    record Call(ServedModel.Ask ask, boolean stream, boolean includeUsage, boolean chat) {
    }

    Call parseChat(JsonNode body) {
        RequestFields.requireObject(body);
        checkFields(body, CHAT_FIELDS);
        checkModel(body);
        if (!body.has("messages")) {
            throw ApiError.badRequest("messages", "messages is required");
        }
        List<ChatMessage> messages = messages(body.get("messages"));
        if (messages.isEmpty()) {
            throw ApiError.badRequest("messages", "messages must hold at least one message");
        }
        List<ToolDefinition> tools = ToolRequests.tools(body.path("tools"), "tools", false);
        OutputRules rules = OutputRules.CHAT.withTools(tools, ToolRequests.choice(body.path("tool_choice"), tools),
                ToolRequests.flag(body, "parallel_tool_calls", true));
        rules = responseFormat(body.path("response_format"), rules).withBias(logitBias(body))
                .withLogprobs(chatLogprobs(body)).withReasoning(reasoning(body.path("reasoning_format")));
        Map<String, Object> variables = ToolRequests.templateVariables(body.path("chat_template_kwargs"),
                "chat_template_kwargs");
        int max = maxTokens(body, body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens");
        ServedModel.Prompt.Chat prompt = ToolPrompt.chat(model, messages, tools, rules.callsTools(), variables, "messages");
        return new Call(new ServedModel.Ask(prompt, max, sampling(body), stops(body), rules), stream(body),
                includeUsage(body), true);
    }

    Call parseCompletion(JsonNode body) {
        RequestFields.requireObject(body);
        checkFields(body, COMPLETION_FIELDS);
        checkModel(body);
        JsonNode p = body.path("prompt");
        if (!p.isTextual()) {
            throw ApiError.badRequest("prompt", "prompt must be a string");
        }
        if (body.path("echo").asBoolean(false) || body.has("suffix") || body.path("best_of").asInt(1) != 1) {
            throw ApiError.badRequest("echo", "echo, suffix and best_of are not supported");
        }
        JsonNode lp = body.path("logprobs");
        int top = -1;
        if (!lp.isMissingNode() && !lp.isNull()) {
            if (!lp.isIntegralNumber() || lp.asInt() < 0 || lp.asInt() > 5) {
                throw ApiError.badRequest("logprobs", "logprobs must be an integer from 0 to 5");
            }
            top = lp.asInt();
        }
        OutputRules rules = OutputRules.TEXT.withBias(logitBias(body)).withLogprobs(top);
        return new Call(new ServedModel.Ask(new ServedModel.Prompt.Text(p.asText(), "prompt"),
                maxTokens(body, "max_tokens"), sampling(body), stops(body), rules), stream(body), includeUsage(body),
                false);
    }

    /**
     * {@code response_format}: text, {@code json_object} (any object), or {@code json_schema}
     * (strict or not, the answer is made to fit the schema). Not with tools the model may call:
     * the tool grammar and the answer's cannot both hold.
     */
    static OutputRules responseFormat(JsonNode format, OutputRules rules) {
        if (format.isMissingNode() || format.isNull()) {
            return rules;
        }
        if (!format.isObject() || !format.path("type").isTextual()) {
            throw ApiError.badRequest("response_format", "response_format must be {\"type\": \"text\" | \"json_object\" "
                    + "| \"json_schema\", ...}");
        }
        JsonNode schema = switch (format.get("type").asText()) {
            case "text" -> null;
            case "json_object" -> JSON.createObjectNode().put("type", "object");
            case "json_schema" -> {
                JsonNode s = format.path("json_schema").path("schema");
                if (!format.path("json_schema").isObject() || (!s.isMissingNode() && !s.isObject())) {
                    throw ApiError.badRequest("response_format", "response_format json_schema needs {\"json_schema\": "
                            + "{\"name\": ..., \"schema\": {...}}}");
                }
                yield s.isObject() ? s : JSON.createObjectNode();
            }
            default -> throw ApiError.badRequest("response_format", "response_format type must be text, json_object "
                    + "or json_schema, not '" + format.get("type").asText() + "'");
        };
        if (schema == null) {
            return rules;
        }
        if (rules.callsTools()) {
            throw ApiError.badRequest("response_format", "response_format cannot be combined with tools the model may "
                    + "call (use tool_choice none, or leave the tools out)");
        }
        return rules.withFormat(schema, "response_format");
    }

    /** llama-server's reasoning_format: "none" keeps the think tags in the content; "auto" and "deepseek" split them off. */
    private static boolean reasoning(JsonNode format) {
        if (format.isMissingNode() || format.isNull()) {
            return true;
        }
        return switch (format.asText("?")) {
            case "none" -> false;
            case "auto", "deepseek", "deepseek-legacy" -> true;
            default -> throw ApiError.badRequest("reasoning_format", "reasoning_format must be none, auto or deepseek");
        };
    }

    /** Chat's logprobs (true or false) and top_logprobs (0 to 20, with logprobs): -1 when not asked for. */
    private static int chatLogprobs(JsonNode body) {
        boolean on = ToolRequests.flag(body, "logprobs", false);
        JsonNode top = body.path("top_logprobs");
        if (top.isMissingNode() || top.isNull()) {
            return on ? 0 : -1;
        }
        if (!top.isIntegralNumber() || top.asInt() < 0 || top.asInt() > 20) {
            throw ApiError.badRequest("top_logprobs", "top_logprobs must be an integer from 0 to 20");
        }
        if (!on) {
            throw ApiError.badRequest("top_logprobs", "top_logprobs needs logprobs: true");
        }
        return top.asInt();
    }

    /** logit_bias: token ids (as strings) to a bias from -100 to 100, added to the token's logit. */
    private Map<Integer, Float> logitBias(JsonNode body) {
        JsonNode b = body.path("logit_bias");
        if (b.isMissingNode() || b.isNull()) {
            return Map.of();
        }
        if (!b.isObject()) {
            throw ApiError.badRequest("logit_bias", "logit_bias must be an object of token ids to biases");
        }
        Map<Integer, Float> out = new java.util.HashMap<>();
        int vocab = model.tokenizer().vocabSize();
        for (var e : b.properties()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException x) {
                id = -1;
            }
            if (id < 0 || id >= vocab) {
                throw ApiError.badRequest("logit_bias", "logit_bias keys must be token ids from 0 to " + (vocab - 1)
                        + ", not '" + e.getKey() + "'");
            }
            JsonNode v = e.getValue();
            if (!v.isNumber() || v.asDouble() < -100 || v.asDouble() > 100) {
                throw ApiError.badRequest("logit_bias", "logit_bias values must be numbers from -100 to 100");
            }
            out.put(id, (float) v.asDouble());
        }
        return out;
    }

    /** llama.cpp server's /apply-template: the prompt a conversation renders to, without generating. */
    String renderTemplate(JsonNode body) {
        RequestFields.requireObject(body);
        List<ToolDefinition> tools = ToolRequests.tools(body.path("tools"), "tools", false);
        boolean calls = !(ToolRequests.choice(body.path("tool_choice"), tools) instanceof exo.tokenizer.chat.tools.ToolChoice.None);
        return model.template().render(ToolPrompt.chat(model, messages(body.path("messages")), tools, calls,
                ToolRequests.templateVariables(body.path("chat_template_kwargs"), "chat_template_kwargs"), "messages")
                .input());
    }

    /** A request's messages, as the conversation reader reads them (it refuses bad ones naming them). */
    static List<ChatMessage> messages(JsonNode list) {
        return ChatMessages.fromJson(list == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : list);
    }

    /** GET /v1/models: the models a request may name, each saying whether it is loaded now (one at a time). */
    static ObjectNode models(ModelHost host) {
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        var data = root.putArray("data");
        String loaded = host.loaded().map(ServedModel::id).orElse(null);
        for (String id : host.available()) {
            card(data.addObject(), id).put("loaded", id.equals(loaded));
        }
        return root;
    }

    /** GET /v1/models/{id}: one model, 404 when this server cannot serve it. */
    static ObjectNode model(ModelHost host, String id) {
        String bare = ModelHost.withoutTag(id == null ? "" : id);
        if (!host.available().contains(bare)) {
            throw ApiError.notFound("model", "model_not_found", "model '" + id + "' is not served here");
        }
        return card(JSON.createObjectNode(), bare).put("loaded", host.loaded().map(m -> m.id().equals(bare))
                .orElse(false));
    }

    private static ObjectNode card(ObjectNode o, String id) {
        return o.put("id", id).put("object", "model").put("created", STARTED).put("owned_by", "exo");
    }

    // ---- responses ----

    static String newId(String prefix) {
        return prefix + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    }

    ObjectNode whole(Call call, String id, Answer a) {
        ObjectNode root = JSON.createObjectNode().put("id", id).put("object", call.chat() ? "chat.completion"
                : "text_completion").put("created", System.currentTimeMillis() / 1000).put("model", model.id());
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        boolean logprobs = call.ask().output().topLogprobs() >= 0;
        if (call.chat()) {
            message(choice.putObject("message"), a.message());
            if (logprobs) {
                choice.set("logprobs", TokenLogprob.chat(a.logprobs()));
            } else {
                choice.putNull("logprobs");
            }
        } else {
            choice.put("text", a.message().content());
            if (logprobs) {
                choice.set("logprobs", TokenLogprob.completion(a.logprobs(), 0));
            } else {
                choice.putNull("logprobs");
            }
        }
        choice.put("finish_reason", a.finishReason());
        usage(root, a.result());
        return root;
    }

    /** An assistant message: content (null when it only calls tools), reasoning_content, tool_calls. */
    static void message(ObjectNode m, ParsedMessage parsed) {
        m.put("role", "assistant");
        if (parsed.content().isEmpty() && !parsed.toolCalls().isEmpty()) {
            m.putNull("content");
        } else {
            m.put("content", parsed.content());
        }
        if (!parsed.reasoning().isEmpty()) {
            m.put("reasoning_content", parsed.reasoning());
        }
        if (!parsed.toolCalls().isEmpty()) {
            var calls = m.putArray("tool_calls");
            for (ToolCall c : parsed.toolCalls()) {
                calls.addObject().put("id", c.id()).put("type", "function").putObject("function")
                        .put("name", c.name()).put("arguments", c.arguments());
            }
        }
    }

    /** One streamed chunk around {@code delta} (chat) or {@code text} (completions), with the finish reason when given. */
    private ObjectNode chunk(Call call, String id, ObjectNode delta, String text, JsonNode logprobs, String finish) {
        ObjectNode root = JSON.createObjectNode().put("id", id).put("object", call.chat() ? "chat.completion.chunk"
                : "text_completion").put("created", System.currentTimeMillis() / 1000).put("model", model.id());
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        if (call.chat()) {
            choice.set("delta", delta);
        } else {
            choice.put("text", text == null ? "" : text);
        }
        if (logprobs != null) {
            choice.set("logprobs", logprobs);
        } else {
            choice.putNull("logprobs");
        }
        if (finish != null) {
            choice.put("finish_reason", finish);
        } else {
            choice.putNull("finish_reason");
        }
        if (call.includeUsage()) {
            root.putNull("usage");
        }
        return root;
    }

    /** The chunk after the last one when stream_options.include_usage asked for it: no choices, the usage. */
    ObjectNode usageChunk(Call call, String id, ServedModel.Result r) {
        ObjectNode root = JSON.createObjectNode().put("id", id).put("object", call.chat() ? "chat.completion.chunk"
                : "text_completion").put("created", System.currentTimeMillis() / 1000).put("model", model.id());
        root.putArray("choices");
        usage(root, r);
        return root;
    }

    private static void usage(ObjectNode root, ServedModel.Result r) {
        root.putObject("usage").put("prompt_tokens", r.promptTokens()).put("completion_tokens", r.completionTokens())
                .put("total_tokens", r.promptTokens() + r.completionTokens());
    }

    /** OpenAI's error shape: {@code {"error": {"message", "type", "param", "code"}}}. */
    static ObjectNode error(HttpError e) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode err = root.putObject("error").put("message", e.getMessage()).put("type", e.type());
        if (e.param() != null) {
            err.put("param", e.param());
        } else {
            err.putNull("param");
        }
        if (e.code() != null) {
            err.put("code", e.code());
        } else {
            err.putNull("code");
        }
        return root;
    }

    /**
     * How a call's answer goes out: whole, or as server-sent events as OpenAI streams them
     * (the first delta with the role; content, reasoning_content and tool call deltas with
     * index, id, name and argument fragments; the last with the finish reason; the usage chunk
     * when asked; then [DONE]).
     */
    Generations.Framing framing(Call call) {
        String id = newId(call.chat() ? "chatcmpl-" : "cmpl-");
        boolean logprobs = call.ask().output().topLogprobs() >= 0;
        return new Generations.Framing() {
            private boolean first = true;
            private int offset;

            @Override
            public String contentType() {
                return Sse.CONTENT_TYPE;
            }

            @Override
            public List<String> events(List<ToolCallEvent> events, List<TokenLogprob> tokens) {
                List<String> out = new ArrayList<>();
                for (ToolCallEvent e : events) {
                    JsonNode lp = null;
                    if (logprobs && out.isEmpty()) {
                        lp = call.chat() ? TokenLogprob.chat(tokens) : TokenLogprob.completion(tokens, offset);
                    }
                    if (!call.chat()) {
                        if (e instanceof ToolCallEvent.ContentDelta c) {
                            out.add(Sse.data(chunk(call, id, null, c.text(), lp, null)));
                            offset += c.text().length();
                        }
                        continue;
                    }
                    ObjectNode delta = delta();
                    switch (e) {
                        case ToolCallEvent.ContentDelta c -> delta.put("content", c.text());
                        case ToolCallEvent.ReasoningDelta r -> delta.put("reasoning_content", r.text());
                        case ToolCallEvent.ToolCallStart s -> delta.putArray("tool_calls").addObject()
                                .put("index", s.index()).put("id", s.id()).put("type", "function")
                                .putObject("function").put("name", s.name()).put("arguments", "");
                        case ToolCallEvent.ToolCallArguments a -> delta.putArray("tool_calls").addObject()
                                .put("index", a.index()).putObject("function").put("arguments", a.fragment());
                        case ToolCallEvent.ToolCallEnd end -> {
                            continue;
                        }
                    }
                    out.add(Sse.data(chunk(call, id, delta, null, lp, null)));
                }
                return out;
            }

            private ObjectNode delta() {
                ObjectNode d = JSON.createObjectNode();
                if (first) {
                    d.put("role", "assistant");
                    first = false;
                }
                return d;
            }

            @Override
            public List<String> last(Answer a, long totalNanos) {
                List<String> out = new ArrayList<>();
                ObjectNode delta = null;
                if (call.chat()) {
                    boolean none = first;
                    delta = delta();
                    if (none) {
                        delta.put("content", "");
                    }
                }
                out.add(Sse.data(chunk(call, id, delta, call.chat() ? null : "", null, a.finishReason())));
                if (call.includeUsage()) {
                    out.add(Sse.data(usageChunk(call, id, a.result())));
                }
                out.add(Sse.data("[DONE]"));
                return out;
            }

            @Override
            public String failure(HttpError e) {
                return Sse.data(error(e));
            }

            @Override
            public JsonNode whole(Answer a, long totalNanos) {
                return OpenAiApi.this.whole(call, id, a);
            }
        };
    }

    // ---- request fields ----

    private static void checkFields(JsonNode body, Set<String> known) {
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw ApiError.badRequest(f, "unknown field '" + f + "'");
            }
        }
        JsonNode n = body.path("n");
        if (!n.isMissingNode() && !n.isNull() && (!n.isInt() || n.asInt() != 1)) {
            throw ApiError.badRequest("n", "n must be 1: one answer per request");
        }
    }

    private void checkModel(JsonNode body) {
        String name = RequestFields.modelName(body);
        if (name != null && !name.equals(model.id())) {
            throw ApiError.notFound("model", "model_not_found", "model '" + name + "' is not served here; this "
                    + "server serves '" + model.id() + "'");
        }
    }

    private static boolean stream(JsonNode body) {
        JsonNode s = body.path("stream");
        if (!s.isMissingNode() && !s.isNull() && !s.isBoolean()) {
            throw ApiError.badRequest("stream", "stream must be true or false");
        }
        return s.asBoolean(false);
    }

    private static boolean includeUsage(JsonNode body) {
        return body.path("stream_options").path("include_usage").asBoolean(false);
    }

    private int maxTokens(JsonNode body, String field) {
        JsonNode m = body.path(field);
        if (m.isMissingNode() || m.isNull()) {
            return Integer.MAX_VALUE; // until the model ends or the context is full
        }
        if (!m.canConvertToInt() || !m.isIntegralNumber() || m.asInt() < 1) {
            throw ApiError.badRequest(field, field + " must be a positive integer");
        }
        return m.asInt();
    }

    private SamplingParams sampling(JsonNode body) {
        SamplingParams d = model.defaults();
        float temperature = number(body, "temperature", d.temperature(), 0, 2);
        float topP = number(body, "top_p", d.topP(), Float.MIN_VALUE, 1);
        float minP = number(body, "min_p", d.minP(), 0, 1);
        int topK = (int) number(body, "top_k", d.topK(), 0, 1 << 20);
        float repeat = number(body, "repeat_penalty", d.repeatPenalty(), Float.MIN_VALUE, 10);
        float presence = number(body, "presence_penalty", 0, -2, 2);
        float frequency = number(body, "frequency_penalty", 0, -2, 2);
        JsonNode seed = body.path("seed");
        long s = seed.isMissingNode() || seed.isNull() ? new SecureRandom().nextLong() : seedOf(seed);
        return new SamplingParams(temperature, topK, topP, minP, repeat, d.repeatLastN(), s, presence, frequency);
    }

    private static long seedOf(JsonNode seed) {
        if (!seed.isIntegralNumber()) {
            throw ApiError.badRequest("seed", "seed must be an integer");
        }
        return seed.asLong();
    }

    private static float number(JsonNode body, String field, float fallback, float min, float max) {
        JsonNode n = body.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max || Double.isNaN(n.asDouble())) {
            throw ApiError.badRequest(field, field + " must be a number " + (min == Float.MIN_VALUE ? "above 0"
                    : "from " + fmt(min)) + " to " + fmt(max));
        }
        return (float) n.asDouble();
    }

    private static String fmt(float f) {
        return f == Math.rint(f) ? String.valueOf((long) f) : String.valueOf(f);
    }

    private static List<String> stops(JsonNode body) {
        JsonNode s = body.path("stop");
        List<String> out = new ArrayList<>();
        if (s.isMissingNode() || s.isNull()) {
            return out;
        }
        if (s.isTextual()) {
            out.add(s.asText());
        } else if (s.isArray() && s.size() <= 4) {
            for (JsonNode x : s) {
                if (!x.isTextual()) {
                    throw ApiError.badRequest("stop", "stop must be a string or a list of up to 4 strings");
                }
                out.add(x.asText());
            }
        } else {
            throw ApiError.badRequest("stop", "stop must be a string or a list of up to 4 strings");
        }
        return out;
    }
}
