package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.engine.FinishReason;
import exo.engine.sampling.SamplingParams;
import exo.tokenizer.chat.ChatMessage;
import exo.tokenizer.chat.ToolCall;
import exo.tokenizer.chat.tools.ParsedMessage;
import exo.tokenizer.chat.tools.ToolChoice;
import exo.tokenizer.chat.tools.ToolDefinition;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's Responses API: {@code POST /v1/responses} with {@code input} as a string or items
 * (messages, function_call, function_call_output), {@code instructions}, function tools,
 * {@code tool_choice}, {@code text.format}, {@code max_output_tokens}, whole or streamed as
 * typed events ({@link ResponsesStream}); {@code previous_response_id} continues a response
 * this server keeps ({@link ResponseStore}), and {@code GET /v1/responses/{id}} returns one.
 */
final class ResponsesApi {
    private static final Set<String> FIELDS = Set.of("model", "input", "instructions", "tools", "tool_choice",
            "parallel_tool_calls", "text", "max_output_tokens", "temperature", "top_p", "stream", "previous_response_id",
            "store", "metadata", "user", "truncation", "reasoning", "include", "service_tier", "top_logprobs",
            "stream_options", "prompt_cache_key", "safety_identifier");

    private final ServedModel model;
    private final ResponseStore store;

    ResponsesApi(ServedModel model, ResponseStore store) {
        this.model = model;
        this.store = store;
    }

    ServedModel model() {
        return model;
    }

    ResponseStore store() {
        return store;
    }

    /**
     * A parsed request.
     *
     * @param echo         the request's settings as the response object repeats them
     * @param conversation the conversation before this answer (previous responses and this input, without instructions)
     */
    record Call(ServedModel.Ask ask, boolean stream, String id, ObjectNode echo, List<ChatMessage> conversation,
                boolean store) {
        Call {
            conversation = List.copyOf(conversation);
        }
    }

    Call parse(JsonNode body) {
        RequestFields.requireObject(body);
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw ApiError.badRequest(f, "unknown field '" + f + "'");
            }
        }
        JsonNode m = body.path("model");
        if (!m.isMissingNode() && !m.isNull() && (!m.isTextual() || !ModelHost.withoutTag(m.asText()).equals(model.id()))) {
            throw ApiError.notFound("model", "model_not_found", "model '" + m.asText() + "' is not served here; this "
                    + "server serves '" + model.id() + "'");
        }
        List<ChatMessage> conversation = new ArrayList<>();
        JsonNode previous = body.path("previous_response_id");
        if (!previous.isMissingNode() && !previous.isNull()) {
            if (!previous.isTextual()) {
                throw ApiError.badRequest("previous_response_id", "previous_response_id must be a string");
            }
            conversation.addAll(store.get(previous.asText()).orElseThrow(() -> ApiError.notFound("previous_response_id",
                    "previous_response_not_found", "Previous response with id '" + previous.asText() + "' not found "
                            + "(this server keeps its recent responses while it runs)")).conversation());
        }
        conversation.addAll(input(body.path("input")));
        List<ChatMessage> messages = new ArrayList<>();
        JsonNode instructions = body.path("instructions");
        if (!instructions.isMissingNode() && !instructions.isNull()) {
            if (!instructions.isTextual()) {
                throw ApiError.badRequest("instructions", "instructions must be a string");
            }
            messages.add(ChatMessage.system(instructions.asText()));
        }
        messages.addAll(conversation);
        List<ToolDefinition> tools = ToolRequests.tools(body.path("tools"), "tools", true);
        ToolChoice choice = ToolRequests.choice(body.path("tool_choice"), tools);
        boolean parallel = ToolRequests.flag(body, "parallel_tool_calls", true);
        OutputRules rules = OutputRules.CHAT.withTools(tools, choice, parallel);
        JsonNode format = body.path("text").path("format");
        if (!body.path("text").isMissingNode() && !body.path("text").isObject()) {
            throw ApiError.badRequest("text", "text must be an object such as {\"format\": {\"type\": \"json_schema\", ...}}");
        }
        rules = format(format, rules);
        JsonNode max = body.path("max_output_tokens");
        int maxTokens = Integer.MAX_VALUE;
        if (!max.isMissingNode() && !max.isNull()) {
            if (!max.isIntegralNumber() || !max.canConvertToInt() || max.asInt() < 1) {
                throw ApiError.badRequest("max_output_tokens", "max_output_tokens must be a positive integer");
            }
            maxTokens = max.asInt();
        }
        SamplingParams d = model.defaults();
        float temperature = RequestFields.number(body, "temperature", d.temperature(), 0, 2);
        float topP = RequestFields.number(body, "top_p", d.topP(), Float.MIN_VALUE, 1);
        SamplingParams sampling = new SamplingParams(temperature, d.topK(), topP, d.minP(), d.repeatPenalty(),
                d.repeatLastN(), new SecureRandom().nextLong());
        ServedModel.Prompt.Chat prompt = ToolPrompt.chat(model, messages, tools, rules.callsTools(), Map.of(), "input");
        ObjectNode echo = echo(body, choice, temperature, topP);
        return new Call(new ServedModel.Ask(prompt, maxTokens, sampling, List.of(), rules),
                ToolRequests.flag(body, "stream", false), OpenAiApi.newId("resp_"), echo, conversation,
                ToolRequests.flag(body, "store", true));
    }

    /** {@code input}: a string (one user message) or a list of items. */
    private static List<ChatMessage> input(JsonNode input) {
        List<ChatMessage> out = new ArrayList<>();
        if (input.isTextual()) {
            out.add(ChatMessage.user(input.asText()));
            return out;
        }
        if (!input.isArray()) {
            throw ApiError.badRequest("input", "input must be a string or a list of items");
        }
        List<ToolCall> calls = new ArrayList<>();
        java.util.Map<String, String> names = new java.util.HashMap<>();
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String where = "input[" + i + "]";
            String type = item.path("type").asText(item.has("role") ? "message" : "");
            if (!type.equals("function_call") && !calls.isEmpty()) {
                out.add(ChatMessage.assistant("", calls));
                calls = new ArrayList<>();
            }
            switch (type) {
                case "message" -> out.add(message(item, where));
                case "function_call" -> {
                    if (!item.path("call_id").isTextual() || !item.path("name").isTextual()
                            || !item.path("arguments").isTextual()) {
                        throw ApiError.badRequest("input", where + ": a function_call needs call_id, name and arguments");
                    }
                    names.put(item.get("call_id").asText(), item.get("name").asText());
                    calls.add(new ToolCall(item.get("call_id").asText(), item.get("name").asText(),
                            item.get("arguments").asText()));
                }
                case "function_call_output" -> {
                    if (!item.path("call_id").isTextual()) {
                        throw ApiError.badRequest("input", where + ": a function_call_output needs a call_id");
                    }
                    String id = item.get("call_id").asText();
                    out.add(ChatMessage.tool(id, names.get(id), outputText(item.path("output"), where)));
                }
                case "reasoning" -> {
                    // a model's earlier reasoning: templates drop it from past turns
                }
                default -> throw ApiError.badRequest("input", where + ": item type '" + type + "' is not supported "
                        + "(message, function_call, function_call_output)");
            }
        }
        if (!calls.isEmpty()) {
            out.add(ChatMessage.assistant("", calls));
        }
        return out;
    }

    private static ChatMessage message(JsonNode item, String where) {
        String role = item.path("role").asText("");
        if (!Set.of("user", "assistant", "system", "developer").contains(role)) {
            throw ApiError.badRequest("input", where + ".role must be user, assistant, system or developer");
        }
        JsonNode content = item.path("content");
        String text;
        if (content.isTextual()) {
            text = content.asText();
        } else if (content.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode part : content) {
                String type = part.path("type").asText("");
                if (!Set.of("input_text", "output_text", "text").contains(type) || !part.path("text").isTextual()) {
                    throw ApiError.badRequest("input", where + ".content: only text parts are supported (this "
                            + "server's models read text only), not '" + type + "'");
                }
                b.append(part.get("text").asText());
            }
            text = b.toString();
        } else {
            throw ApiError.badRequest("input", where + ".content must be a string or a list of parts");
        }
        return new ChatMessage(role.equals("developer") ? "system" : role, text);
    }

    private static String outputText(JsonNode output, String where) {
        if (output.isTextual()) {
            return output.asText();
        }
        if (output.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode part : output) {
                if (!part.path("text").isTextual()) {
                    throw ApiError.badRequest("input", where + ".output: only text parts are supported");
                }
                b.append(part.get("text").asText());
            }
            return b.toString();
        }
        throw ApiError.badRequest("input", where + ".output must be a string");
    }

    /** {@code text.format}: text, json_object or json_schema ({@code {"type", "name", "schema", "strict"}}). */
    private static OutputRules format(JsonNode format, OutputRules rules) {
        if (format.isMissingNode() || format.isNull()) {
            return rules;
        }
        if (!format.isObject()) {
            throw ApiError.badRequest("text", "text.format must be an object");
        }
        ObjectNode asChat = OpenAiApi.JSON.createObjectNode().put("type", format.path("type").asText(""));
        if (format.has("schema")) {
            asChat.putObject("json_schema").put("name", format.path("name").asText("")).set("schema", format.get("schema"));
        } else if (format.path("type").asText().equals("json_schema")) {
            asChat.putObject("json_schema");
        }
        try {
            return OpenAiApi.responseFormat(asChat, rules);
        } catch (ApiError e) {
            throw ApiError.badRequest("text", e.getMessage().replace("response_format json_schema", "text.format")
                    .replace("response_format", "text.format"));
        }
    }

    private ObjectNode echo(JsonNode body, ToolChoice choice, float temperature, float topP) {
        ObjectNode e = OpenAiApi.JSON.createObjectNode();
        e.set("instructions", body.path("instructions").isTextual() ? body.get("instructions") : null);
        e.set("max_output_tokens", body.path("max_output_tokens").isIntegralNumber() ? body.get("max_output_tokens") : null);
        e.put("model", model.id());
        e.put("parallel_tool_calls", body.path("parallel_tool_calls").asBoolean(true));
        e.set("previous_response_id", body.path("previous_response_id").isTextual() ? body.get("previous_response_id")
                : null);
        e.putObject("reasoning").putNull("effort").putNull("summary");
        e.put("store", body.path("store").asBoolean(true));
        e.put("temperature", temperature);
        ObjectNode text = e.putObject("text");
        if (body.path("text").path("format").isObject()) {
            text.set("format", body.get("text").get("format"));
        } else {
            text.putObject("format").put("type", "text");
        }
        switch (choice) {
            case ToolChoice.Named n -> e.putObject("tool_choice").put("type", "function").put("name", n.function());
            case ToolChoice.Required r -> e.put("tool_choice", "required");
            case ToolChoice.None n -> e.put("tool_choice", "none");
            case ToolChoice.Auto a -> e.put("tool_choice", "auto");
        }
        e.set("tools", body.path("tools").isArray() ? body.get("tools") : OpenAiApi.JSON.createArrayNode());
        e.put("top_p", topP);
        e.put("truncation", "disabled");
        e.set("user", body.path("user").isTextual() ? body.get("user") : null);
        e.set("metadata", body.path("metadata").isObject() ? body.get("metadata") : OpenAiApi.JSON.createObjectNode());
        return e;
    }

    // ---- the response object ----

    /** The response object: status, output items, the request's settings, usage when done. */
    ObjectNode response(Call call, String status, ArrayNode output, Answer a) {
        ObjectNode r = OpenAiApi.JSON.createObjectNode().put("id", call.id()).put("object", "response")
                .put("created_at", System.currentTimeMillis() / 1000).put("status", status);
        r.putNull("error");
        if (status.equals("incomplete")) {
            r.putObject("incomplete_details").put("reason", "max_output_tokens");
        } else {
            r.putNull("incomplete_details");
        }
        r.setAll(call.echo());
        r.set("output", output);
        if (a != null) {
            ObjectNode usage = r.putObject("usage").put("input_tokens", a.result().promptTokens());
            usage.putObject("input_tokens_details").put("cached_tokens", 0);
            usage.put("output_tokens", a.result().completionTokens());
            usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
            usage.put("total_tokens", a.result().promptTokens() + a.result().completionTokens());
        } else {
            r.putNull("usage");
        }
        return r;
    }

    static String status(Answer a) {
        return a.result().finish() == FinishReason.LENGTH && !a.calledTools() ? "incomplete" : "completed";
    }

    /** The output items of a whole answer: reasoning, the message, the function calls. */
    static ArrayNode items(Answer a) {
        ArrayNode out = OpenAiApi.JSON.createArrayNode();
        ParsedMessage m = a.message();
        if (!m.reasoning().isEmpty()) {
            out.add(reasoningItem(OpenAiApi.newId("rs_"), m.reasoning()));
        }
        if (!m.content().isEmpty() || m.toolCalls().isEmpty()) {
            out.add(messageItem(OpenAiApi.newId("msg_"), "completed", m.content()));
        }
        for (var c : m.toolCalls()) {
            out.add(callItem(OpenAiApi.newId("fc_"), c.id(), c.name(), c.arguments(), "completed"));
        }
        return out;
    }

    static ObjectNode reasoningItem(String id, String text) {
        ObjectNode item = OpenAiApi.JSON.createObjectNode().put("type", "reasoning").put("id", id);
        item.putArray("summary");
        item.putArray("content").addObject().put("type", "reasoning_text").put("text", text);
        return item;
    }

    static ObjectNode messageItem(String id, String status, String text) {
        ObjectNode item = OpenAiApi.JSON.createObjectNode().put("type", "message").put("id", id).put("status", status)
                .put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (text != null) {
            content.add(textPart(text));
        }
        return item;
    }

    static ObjectNode textPart(String text) {
        ObjectNode part = OpenAiApi.JSON.createObjectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    static ObjectNode callItem(String id, String callId, String name, String arguments, String status) {
        return OpenAiApi.JSON.createObjectNode().put("type", "function_call").put("id", id).put("call_id", callId)
                .put("name", name).put("arguments", arguments).put("status", status);
    }

    /** Keeps a finished response, with the conversation it closes, for previous_response_id. */
    void keep(Call call, ObjectNode response, Answer a) {
        if (!call.store()) {
            return;
        }
        List<ChatMessage> conversation = new ArrayList<>(call.conversation());
        ParsedMessage m = a.message();
        List<ToolCall> calls = new ArrayList<>();
        for (var c : m.toolCalls()) {
            calls.add(new ToolCall(c.id(), c.name(), c.arguments()));
        }
        ChatMessage answer = ChatMessage.assistant(m.content(), calls);
        conversation.add(m.reasoning().isEmpty() ? answer : answer.withReasoning(m.reasoning()));
        store.put(call.id(), response, conversation);
    }

    /** GET /v1/responses/{id}. */
    static ObjectNode get(ResponseStore store, String id) {
        return store.get(id).orElseThrow(() -> ApiError.notFound("id", "response_not_found", "Response with id '" + id
                + "' not found (this server keeps its recent responses while it runs)")).response();
    }

    Generations.Framing framing(Call call) {
        return new ResponsesStream(this, call);
    }
}
