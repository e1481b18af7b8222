package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.engine.FinishReason;
import exo.engine.sampling.SamplingParams;
import exo.serve.http.HttpError;
import exo.tokenizer.chat.ChatMessage;
import exo.tokenizer.chat.JsonValues;
import exo.tokenizer.chat.ToolCall;
import exo.tokenizer.chat.tools.ParsedMessage;
import exo.tokenizer.chat.tools.ToolChoice;
import exo.tokenizer.chat.tools.ToolDefinition;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic's Messages API as its official clients use it: {@code POST /v1/messages} (system,
 * content blocks, tools with {@code input_schema} and {@code tool_choice}, {@code tool_use} and
 * {@code tool_result} blocks, thinking), whole or streamed with its typed events
 * ({@link AnthropicStream}), and {@code POST /v1/messages/count_tokens}. Errors are
 * {@code {"type": "error", "error": {"type", "message"}}}.
 */
final class AnthropicApi {
    private static final Set<String> FIELDS = Set.of("model", "messages", "system", "max_tokens", "stop_sequences",
            "temperature", "top_p", "top_k", "stream", "tools", "tool_choice", "thinking", "metadata", "service_tier");
    private static final Set<String> COUNT_FIELDS = Set.of("model", "messages", "system", "tools", "tool_choice",
            "thinking");

    private final ServedModel model;

    AnthropicApi(ServedModel model) {
        this.model = model;
    }

    /** A parsed request: what to generate and whether to stream. */
    record Call(ServedModel.Ask ask, boolean stream) {
    }

    Call parse(JsonNode body) {
        RequestFields.requireObject(body);
        checkFields(body, FIELDS);
        JsonNode max = body.path("max_tokens");
        if (max.isMissingNode() || max.isNull()) {
            throw ApiError.badRequest("max_tokens", "max_tokens: Field required");
        }
        if (!max.isIntegralNumber() || !max.canConvertToInt() || max.asInt() < 1) {
            throw ApiError.badRequest("max_tokens", "max_tokens must be a positive integer");
        }
        Conversation c = conversation(body);
        SamplingParams d = model.defaults();
        float temperature = RequestFields.number(body, "temperature", d.temperature(), 0, 1);
        float topP = RequestFields.number(body, "top_p", d.topP(), Float.MIN_VALUE, 1);
        int topK = (int) RequestFields.number(body, "top_k", d.topK(), 0, 1 << 20);
        SamplingParams sampling = new SamplingParams(temperature, topK, topP, d.minP(), d.repeatPenalty(),
                d.repeatLastN(), new SecureRandom().nextLong());
        return new Call(new ServedModel.Ask(c.prompt(), max.asInt(), sampling, stopSequences(body), c.rules()),
                ToolRequests.flag(body, "stream", false));
    }

    /** count_tokens: the prompt the request's conversation, system and tools render to, counted. */
    ServedModel.Prompt.Chat countable(JsonNode body) {
        RequestFields.requireObject(body);
        checkFields(body, COUNT_FIELDS);
        return conversation(body).prompt();
    }

    static ObjectNode count(int tokens) {
        return OpenAiApi.JSON.createObjectNode().put("input_tokens", tokens);
    }

    private record Conversation(ServedModel.Prompt.Chat prompt, OutputRules rules) {
    }

    private Conversation conversation(JsonNode body) {
        checkModel(body);
        List<ChatMessage> messages = new ArrayList<>();
        String system = system(body.path("system"));
        if (!system.isEmpty()) {
            messages.add(ChatMessage.system(system));
        }
        JsonNode list = body.path("messages");
        if (!list.isArray() || list.isEmpty()) {
            throw ApiError.badRequest("messages", "messages must be a non-empty list of {\"role\", \"content\"}");
        }
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            message(list.get(i), i, messages, toolNames);
        }
        List<ToolDefinition> tools = tools(body.path("tools"));
        ToolChoice choice = ToolChoice.AUTO;
        boolean parallel = true;
        JsonNode tc = body.path("tool_choice");
        if (!tc.isMissingNode() && !tc.isNull()) {
            if (!tc.isObject() || !tc.path("type").isTextual()) {
                throw ApiError.badRequest("tool_choice", "tool_choice must be {\"type\": \"auto\" | \"any\" | \"tool\" "
                        + "| \"none\"}");
            }
            choice = switch (tc.get("type").asText()) {
                case "auto" -> ToolChoice.AUTO;
                case "any" -> ToolRequests.required(tools);
                case "none" -> ToolChoice.NONE;
                case "tool" -> {
                    if (!tc.path("name").isTextual()) {
                        throw ApiError.badRequest("tool_choice", "tool_choice of type tool needs a \"name\"");
                    }
                    yield ToolRequests.named(tc.get("name").asText(), tools, "tool_choice");
                }
                default -> throw ApiError.badRequest("tool_choice", "tool_choice type must be auto, any, tool or none");
            };
            parallel = !ToolRequests.flag(tc, "disable_parallel_tool_use", false);
        }
        if (tools.isEmpty()) {
            choice = ToolChoice.NONE;
        }
        OutputRules rules = OutputRules.CHAT.withTools(tools, choice, parallel);
        Map<String, Object> variables = thinking(body.path("thinking"));
        return new Conversation(ToolPrompt.chat(model, messages, tools, rules.callsTools(), variables, "messages"), rules);
    }

    /** {@code system}: a string, or a list of text blocks. */
    private static String system(JsonNode s) {
        if (s.isMissingNode() || s.isNull()) {
            return "";
        }
        if (s.isTextual()) {
            return s.asText();
        }
        if (!s.isArray()) {
            throw ApiError.badRequest("system", "system must be a string or a list of text blocks");
        }
        StringBuilder b = new StringBuilder();
        for (JsonNode block : s) {
            if (!block.path("type").asText().equals("text") || !block.path("text").isTextual()) {
                throw ApiError.badRequest("system", "system blocks must be {\"type\": \"text\", \"text\": ...}");
            }
            b.append(b.isEmpty() ? "" : "\n\n").append(block.get("text").asText());
        }
        return b.toString();
    }

    /**
     * One message as chat templates take it: a user turn's tool_result blocks become tool
     * messages (before its text), an assistant turn's tool_use blocks its tool calls and its
     * thinking blocks its reasoning. Images and documents are refused.
     */
    private static void message(JsonNode m, int i, List<ChatMessage> out, Map<String, String> toolNames) {
        String where = "messages[" + i + "]";
        if (!m.isObject() || !m.path("role").isTextual()) {
            throw ApiError.badRequest("messages", where + " needs a \"role\"");
        }
        String role = m.get("role").asText();
        if (!role.equals("user") && !role.equals("assistant")) {
            throw ApiError.badRequest("messages", where + ".role must be user or assistant, not '" + role + "'");
        }
        JsonNode content = m.path("content");
        if (content.isTextual()) {
            out.add(new ChatMessage(role, content.asText()));
            return;
        }
        if (!content.isArray()) {
            throw ApiError.badRequest("messages", where + ".content must be a string or a list of content blocks");
        }
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (int j = 0; j < content.size(); j++) {
            JsonNode block = content.get(j);
            String at = where + ".content[" + j + "]";
            String type = block.path("type").asText("");
            switch (type) {
                case "text" -> {
                    if (!block.path("text").isTextual()) {
                        throw ApiError.badRequest("messages", at + " needs a \"text\" string");
                    }
                    text.append(block.get("text").asText());
                }
                case "image", "document" -> throw ApiError.badRequest("messages", at + ": " + type + " blocks are not "
                        + "supported; this server's models read text only");
                case "thinking" -> thinking.append(block.path("thinking").asText(""));
                case "redacted_thinking" -> {
                    // encrypted by Anthropic's servers: nothing a local model can read
                }
                case "tool_use" -> {
                    if (!role.equals("assistant")) {
                        throw ApiError.badRequest("messages", at + ": tool_use blocks belong to assistant turns");
                    }
                    if (!block.path("id").isTextual() || !block.path("name").isTextual()) {
                        throw ApiError.badRequest("messages", at + " needs an \"id\" and a \"name\"");
                    }
                    JsonNode input = block.path("input");
                    if (!input.isMissingNode() && !input.isNull() && !input.isObject()) {
                        throw ApiError.badRequest("messages", at + ".input must be an object");
                    }
                    toolNames.put(block.get("id").asText(), block.get("name").asText());
                    calls.add(new ToolCall(block.get("id").asText(), block.get("name").asText(),
                            input.isObject() ? JsonValues.of(input) : null));
                }
                case "tool_result" -> {
                    if (!role.equals("user")) {
                        throw ApiError.badRequest("messages", at + ": tool_result blocks belong to user turns");
                    }
                    if (!block.path("tool_use_id").isTextual()) {
                        throw ApiError.badRequest("messages", at + " needs a \"tool_use_id\"");
                    }
                    String id = block.get("tool_use_id").asText();
                    String result = resultText(block.path("content"), at);
                    if (block.path("is_error").asBoolean(false)) {
                        result = "Error: " + result;
                    }
                    out.add(ChatMessage.tool(id, toolNames.get(id), result));
                }
                default -> throw ApiError.badRequest("messages", at + ": unknown content block type '" + type + "'");
            }
        }
        if (role.equals("assistant")) {
            ChatMessage a = ChatMessage.assistant(text.toString(), calls);
            out.add(thinking.isEmpty() ? a : a.withReasoning(thinking.toString()));
        } else if (!text.isEmpty() || out.isEmpty() || !out.getLast().role().equals("tool")) {
            out.add(ChatMessage.user(text.toString()));
        }
    }

    /** A tool_result's content: a string, or text blocks (images refused). */
    private static String resultText(JsonNode c, String at) {
        if (c.isMissingNode() || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (!c.isArray()) {
            throw ApiError.badRequest("messages", at + ".content must be a string or a list of text blocks");
        }
        StringBuilder b = new StringBuilder();
        for (JsonNode block : c) {
            if (!block.path("type").asText().equals("text")) {
                throw ApiError.badRequest("messages", at + ".content: only text blocks are supported (this server's "
                        + "models read text only)");
            }
            b.append(block.path("text").asText(""));
        }
        return b.toString();
    }

    /** {@code tools}: custom tools {@code {"name", "description", "input_schema"}}; Anthropic's server tools are refused. */
    private static List<ToolDefinition> tools(JsonNode tools) {
        List<ToolDefinition> out = new ArrayList<>();
        if (tools.isMissingNode() || tools.isNull()) {
            return out;
        }
        if (!tools.isArray()) {
            throw ApiError.badRequest("tools", "tools must be a list");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String type = t.path("type").asText("custom");
            if (!type.equals("custom")) {
                throw ApiError.badRequest("tools", "tools[" + i + "]: the tool type '" + type + "' runs on Anthropic's "
                        + "servers; only custom tools (name, description, input_schema) are supported");
            }
            out.add(ToolRequests.definition(t, "tools[" + i + "]", "tools", "input_schema", names));
        }
        return out;
    }

    /** {@code thinking}: enabled (with a budget) sets the template's enable_thinking, disabled clears it. */
    private static Map<String, Object> thinking(JsonNode t) {
        if (t.isMissingNode() || t.isNull()) {
            return Map.of();
        }
        return switch (t.path("type").asText("")) {
            case "enabled" -> {
                JsonNode budget = t.path("budget_tokens");
                if (!budget.isMissingNode() && (!budget.isIntegralNumber() || budget.asInt() < 1)) {
                    throw ApiError.badRequest("thinking", "thinking.budget_tokens must be a positive integer");
                }
                yield Map.of("enable_thinking", true);
            }
            case "disabled" -> Map.of("enable_thinking", false);
            default -> throw ApiError.badRequest("thinking", "thinking must be {\"type\": \"enabled\", "
                    + "\"budget_tokens\": N} or {\"type\": \"disabled\"}");
        };
    }

    private static List<String> stopSequences(JsonNode body) {
        JsonNode s = body.path("stop_sequences");
        List<String> out = new ArrayList<>();
        if (s.isMissingNode() || s.isNull()) {
            return out;
        }
        if (!s.isArray()) {
            throw ApiError.badRequest("stop_sequences", "stop_sequences must be a list of strings");
        }
        for (JsonNode x : s) {
            if (!x.isTextual() || x.asText().isEmpty()) {
                throw ApiError.badRequest("stop_sequences", "stop_sequences must be non-empty strings");
            }
            out.add(x.asText());
        }
        return out;
    }

    // ---- responses ----

    /** Anthropic's stop_reason: tool_use, stop_sequence, end_turn or max_tokens. */
    static String stopReason(Answer a) {
        if (a.calledTools()) {
            return "tool_use";
        }
        if (a.result().stopSequence() != null) {
            return "stop_sequence";
        }
        return a.result().finish() == FinishReason.STOP ? "end_turn" : "max_tokens";
    }

    /** The message an unstreamed request answers with. */
    ObjectNode whole(String id, Answer a) {
        ObjectNode root = start(id, a.result().promptTokens());
        ArrayNode content = root.putArray("content");
        ParsedMessage m = a.message();
        if (!m.reasoning().isEmpty()) {
            content.addObject().put("type", "thinking").put("thinking", m.reasoning()).put("signature", "");
        }
        if (!m.content().isEmpty() || m.toolCalls().isEmpty()) {
            content.addObject().put("type", "text").put("text", m.content());
        }
        for (var c : m.toolCalls()) {
            content.addObject().put("type", "tool_use").put("id", c.id()).put("name", c.name())
                    .set("input", input(c.arguments()));
        }
        root.put("stop_reason", stopReason(a));
        if (a.result().stopSequence() != null && !a.calledTools()) {
            root.put("stop_sequence", a.result().stopSequence());
        } else {
            root.putNull("stop_sequence");
        }
        root.putObject("usage").put("input_tokens", a.result().promptTokens())
                .put("output_tokens", a.result().completionTokens());
        return root;
    }

    /** A message as message_start shows it: no content, no stop reason yet. */
    ObjectNode start(String id, int promptTokens) {
        ObjectNode m = OpenAiApi.JSON.createObjectNode().put("id", id).put("type", "message").put("role", "assistant")
                .put("model", model.id());
        m.putArray("content");
        m.putNull("stop_reason").putNull("stop_sequence");
        m.putObject("usage").put("input_tokens", promptTokens).put("output_tokens", 0);
        return m;
    }

    /** A call's arguments as tool_use's input object: {} when the output stopped before they were whole. */
    static JsonNode input(String arguments) {
        try {
            JsonNode n = OpenAiApi.JSON.readTree(arguments);
            return n != null && n.isObject() ? n : OpenAiApi.JSON.createObjectNode();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return OpenAiApi.JSON.createObjectNode();
        }
    }

    static String newId() {
        return OpenAiApi.newId("msg_");
    }

    /** Anthropic's error shape: {@code {"type": "error", "error": {"type", "message"}}}, the type named by status. */
    static ObjectNode error(HttpError e) {
        ObjectNode root = OpenAiApi.JSON.createObjectNode().put("type", "error");
        root.putObject("error").put("type", errorType(e.status())).put("message", e.getMessage());
        return root;
    }

    static String errorType(int status) {
        return switch (status) {
            case 400, 405, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> "api_error";
        };
    }

    Generations.Framing framing(Call call) {
        return new AnthropicStream(this, newId());
    }

    // ---- request fields ----

    private static void checkFields(JsonNode body, Set<String> known) {
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw ApiError.badRequest(f, f + ": Extra inputs are not permitted (this server does not support it)");
            }
        }
    }

    private void checkModel(JsonNode body) {
        String name = RequestFields.modelName(body);
        if (name != null && !ModelHost.withoutTag(name).equals(model.id())) {
            throw ApiError.notFound("model", "model_not_found", "model: " + name + " (this server serves '"
                    + model.id() + "')");
        }
    }
}
