package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.engine.sampling.SamplingParams;
import exo.tokenizer.chat.ChatMessage;
import exo.tokenizer.chat.ChatMessages;
import exo.serve.http.HttpError;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's API as its official clients use it: chat completions and completions (whole, or
 * streamed as server-sent events ending in {@code data: [DONE]}), and the model list. Requests
 * are checked field by field, each refusal naming the field.
 */
final class OpenAiApi {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The fields this server reads or knowingly ignores; any other is refused so a typo is not silent. */
    private static final Set<String> CHAT_FIELDS = Set.of("model", "messages", "stream", "stream_options", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "seed", "stop", "n", "logprobs", "top_logprobs",
            "presence_penalty", "frequency_penalty", "response_format", "user", "top_k", "min_p", "repeat_penalty",
            "logit_bias", "parallel_tool_calls", "metadata", "store");
    private static final Set<String> COMPLETION_FIELDS = Set.of("model", "prompt", "stream", "stream_options",
            "max_tokens", "temperature", "top_p", "seed", "stop", "n", "logprobs", "presence_penalty",
            "frequency_penalty", "user", "top_k", "min_p", "repeat_penalty", "echo", "suffix", "best_of");

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
        requireObject(body);
        checkFields(body, CHAT_FIELDS);
        checkModel(body);
        if (!body.has("messages")) {
            throw ApiError.badRequest("messages", "messages is required");
        }
        List<ChatMessage> messages = messages(body.get("messages"));
        if (messages.isEmpty()) {
            throw ApiError.badRequest("messages", "messages must hold at least one message");
        }
        JsonNode format = body.path("response_format");
        if (!format.isMissingNode() && !format.path("type").asText("text").equals("text")) {
            throw ApiError.badRequest("response_format", "response_format " + format.path("type").asText()
                    + " is not supported; only text");
        }
        if (body.path("logprobs").asBoolean(false) || body.has("top_logprobs")) {
            throw ApiError.badRequest("logprobs", "logprobs are not supported by this server");
        }
        int max = maxTokens(body, body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens");
        return new Call(new ServedModel.Ask(new ServedModel.Prompt.Chat(messages, "messages"), max, sampling(body),
                stops(body)), stream(body), includeUsage(body), true);
    }

    Call parseCompletion(JsonNode body) {
        requireObject(body);
        checkFields(body, COMPLETION_FIELDS);
        checkModel(body);
        JsonNode p = body.path("prompt");
        if (!p.isTextual()) {
            throw ApiError.badRequest("prompt", "prompt must be a string");
        }
        if (body.path("echo").asBoolean(false) || body.has("suffix") || body.path("best_of").asInt(1) != 1) {
            throw ApiError.badRequest("echo", "echo, suffix and best_of are not supported");
        }
        if (body.has("logprobs") && !body.get("logprobs").isNull()) {
            throw ApiError.badRequest("logprobs", "logprobs are not supported by this server");
        }
        return new Call(new ServedModel.Ask(new ServedModel.Prompt.Text(p.asText(), "prompt"),
                maxTokens(body, "max_tokens"), sampling(body), stops(body)), stream(body), includeUsage(body), false);
    }

    /** llama.cpp server's /apply-template: the prompt a conversation renders to, without generating. */
    String renderTemplate(JsonNode body) {
        requireObject(body);
        return model.template().render(messages(body.path("messages")), true);
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
            data.addObject().put("id", id).put("object", "model").put("created", STARTED).put("owned_by", "exo")
                    .put("loaded", id.equals(loaded));
        }
        return root;
    }

    // ---- responses ----

    static String newId(String prefix) {
        return prefix + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    }

    ObjectNode whole(Call call, String id, ServedModel.Result r) {
        ObjectNode root = JSON.createObjectNode().put("id", id).put("object", call.chat() ? "chat.completion"
                : "text_completion").put("created", System.currentTimeMillis() / 1000).put("model", model.id());
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        if (call.chat()) {
            choice.putObject("message").put("role", "assistant").put("content", r.text());
        } else {
            choice.put("text", r.text());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", r.finishReason());
        usage(root, r);
        return root;
    }

    /** One streamed piece: a delta of text, or (with {@code finish}) the last chunk with the finish reason. */
    ObjectNode chunk(Call call, String id, String text, String finish, boolean first) {
        ObjectNode root = JSON.createObjectNode().put("id", id).put("object", call.chat() ? "chat.completion.chunk"
                : "text_completion").put("created", System.currentTimeMillis() / 1000).put("model", model.id());
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        if (call.chat()) {
            ObjectNode delta = choice.putObject("delta");
            if (first) {
                delta.put("role", "assistant");
            }
            if (text != null) {
                delta.put("content", text);
            }
        } else {
            choice.put("text", text == null ? "" : text);
        }
        choice.putNull("logprobs");
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
     * How a call's answer goes out: whole, or as server-sent events (the first delta with the
     * role, the last with the finish reason, the usage chunk when asked, then [DONE]).
     */
    Generations.Framing framing(Call call) {
        String id = newId(call.chat() ? "chatcmpl-" : "cmpl-");
        return new Generations.Framing() {
            private boolean first = true;

            @Override
            public String contentType() {
                return Sse.CONTENT_TYPE;
            }

            @Override
            public String piece(String text) {
                String event = Sse.data(chunk(call, id, text, null, first));
                first = false;
                return event;
            }

            @Override
            public List<String> last(ServedModel.Result r, long totalNanos) {
                List<String> out = new ArrayList<>();
                out.add(Sse.data(chunk(call, id, first && call.chat() ? "" : null, r.finishReason(), first)));
                if (call.includeUsage()) {
                    out.add(Sse.data(usageChunk(call, id, r)));
                }
                out.add(Sse.data("[DONE]"));
                return out;
            }

            @Override
            public String failure(HttpError e) {
                return Sse.data(error(e));
            }

            @Override
            public JsonNode whole(ServedModel.Result r, long totalNanos) {
                return OpenAiApi.this.whole(call, id, r);
            }
        };
    }

    // ---- request fields ----

    private static void requireObject(JsonNode body) {
        if (!body.isObject()) {
            throw ApiError.badRequest(null, "the request body must be a JSON object");
        }
    }

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
        JsonNode m = body.path("model");
        if (m.isMissingNode() || m.isNull()) {
            return;
        }
        if (!m.isTextual()) {
            throw ApiError.badRequest("model", "model must be a string");
        }
        if (!m.asText().equals(model.id())) {
            throw ApiError.notFound("model", "model_not_found", "model '" + m.asText() + "' is not served here; this "
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
