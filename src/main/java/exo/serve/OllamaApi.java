package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.engine.sampling.SamplingParams;
import exo.serve.http.HttpError;
import exo.tokenizer.chat.ChatMessage;
import exo.tokenizer.chat.tools.ToolCall;
import exo.tokenizer.chat.tools.ToolCallEvent;
import exo.tokenizer.chat.tools.ToolChoice;
import exo.tokenizer.chat.tools.ToolDefinition;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Ollama's API for the tools built on it: {@code /api/chat} and {@code /api/generate} (NDJSON
 * streaming by default, {@code "stream": false} for one object), {@code /api/tags},
 * {@code /api/show} and {@code /api/version}, in the shapes Ollama's API documentation gives.
 * Errors are Ollama's {@code {"error": "..."}}.
 */
final class OllamaApi {
    /** The Ollama API version these shapes follow. */
    static final String VERSION = "0.5.7";

    private static final String STARTED = OffsetDateTime.now().toString();
    private final ServedModel model;

    OllamaApi(ServedModel model) {
        this.model = model;
    }

    ServedModel model() {
        return model;
    }

    /** A parsed /api/chat or /api/generate: what to generate (its prompt not yet tokenized) and whether to stream. */
    record Call(ServedModel.Ask ask, boolean stream, boolean chat) {
    }

    Call parseChat(JsonNode body) {
        RequestFields.requireObject(body);
        checkModel(body);
        List<ChatMessage> messages = OpenAiApi.messages(ollamaMessages(body.path("messages")));
        if (messages.isEmpty()) {
            throw ApiError.badRequest("messages", "messages must hold at least one message");
        }
        List<ToolDefinition> tools = ToolRequests.tools(body.path("tools"), "tools", false);
        OutputRules rules = output(body).withTools(tools, tools.isEmpty() ? ToolChoice.NONE : ToolChoice.AUTO, true);
        if (rules.callsTools() && rules.format() != null) {
            throw ApiError.badRequest("format", "format cannot be combined with tools");
        }
        ServedModel.Prompt.Chat prompt = ToolPrompt.chat(model, messages, tools, rules.callsTools(), variables(body),
                "messages");
        return new Call(ask(prompt, body.path("options"), rules), stream(body), true);
    }

    Call parseGenerate(JsonNode body) {
        RequestFields.requireObject(body);
        checkModel(body);
        JsonNode p = body.path("prompt");
        if (!p.isTextual()) {
            throw ApiError.badRequest("prompt", "prompt must be a string");
        }
        ServedModel.Prompt prompt;
        OutputRules rules = output(body);
        if (body.path("raw").asBoolean(false)) {
            prompt = new ServedModel.Prompt.Text(p.asText(), "prompt");
            rules = rules.withReasoning(false);
        } else {
            // Ollama wraps a prompt in the model's template, with the system message when given.
            List<ChatMessage> messages = new ArrayList<>();
            if (body.path("system").isTextual()) {
                messages.add(ChatMessage.system(body.get("system").asText()));
            }
            messages.add(ChatMessage.user(p.asText()));
            prompt = new ServedModel.Prompt.Chat(messages, null, variables(body), "prompt");
        }
        return new Call(ask(prompt, body.path("options"), rules), stream(body), false);
    }

    /**
     * Ollama's messages as chat completions write them: {@code thinking} is the reasoning,
     * {@code tool_name} a tool result's function; images are refused (the models read text).
     */
    private static JsonNode ollamaMessages(JsonNode messages) {
        if (!messages.isArray()) {
            return messages;
        }
        var out = OpenAiApi.JSON.createArrayNode();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!m.isObject()) {
                out.add(m);
                continue;
            }
            ObjectNode copy = m.deepCopy();
            JsonNode images = copy.remove("images");
            if (images != null && !images.isNull() && !(images.isArray() && images.isEmpty())) {
                throw ApiError.badRequest("messages", "messages[" + i + "].images: this server's models read text "
                        + "only; images are not supported");
            }
            JsonNode thinking = copy.remove("thinking");
            if (thinking != null && !copy.has("reasoning_content")) {
                copy.set("reasoning_content", thinking);
            }
            JsonNode toolName = copy.remove("tool_name");
            if (toolName != null && !copy.has("name")) {
                copy.set("name", toolName);
            }
            out.add(copy);
        }
        return out;
    }

    /**
     * What a request asks of the answer: {@code format} ("json" or a JSON schema) and
     * {@code think} (false keeps reasoning out of the answer where the template can: its
     * {@code enable_thinking}; true or absent splits it into {@code thinking}).
     */
    private static OutputRules output(JsonNode body) {
        OutputRules rules = OutputRules.CHAT;
        JsonNode format = body.path("format");
        if (format.isTextual() && format.asText().equals("json")) {
            rules = rules.withFormat(OpenAiApi.JSON.createObjectNode().put("type", "object"), "format");
        } else if (format.isObject()) {
            rules = rules.withFormat(format, "format");
        } else if (!format.isMissingNode() && !format.isNull() && !(format.isTextual() && format.asText().isEmpty())) {
            throw ApiError.badRequest("format", "format must be \"json\" or a JSON schema object");
        }
        return rules;
    }

    /** {@code think}: the template's enable_thinking, where the request says. */
    private static java.util.Map<String, Object> variables(JsonNode body) {
        JsonNode think = body.path("think");
        if (think.isMissingNode() || think.isNull()) {
            return java.util.Map.of();
        }
        if (!think.isBoolean()) {
            throw ApiError.badRequest("think", "think must be true or false");
        }
        return java.util.Map.of("enable_thinking", think.asBoolean());
    }

    /** One NDJSON line: a piece of the answer (content, thinking, calls), or the last line with the counts. */
    ObjectNode line(Call call, String text, String thinking, List<ToolCall> calls, ServedModel.Result done,
                    long totalNanos) {
        ObjectNode o = OpenAiApi.JSON.createObjectNode().put("model", model.id())
                .put("created_at", OffsetDateTime.now().toString());
        if (call.chat()) {
            ObjectNode m = o.putObject("message").put("role", "assistant").put("content", text);
            if (!thinking.isEmpty()) {
                m.put("thinking", thinking);
            }
            if (!calls.isEmpty()) {
                var list = m.putArray("tool_calls");
                for (ToolCall c : calls) {
                    ObjectNode f = list.addObject().putObject("function").put("name", c.name());
                    f.set("arguments", arguments(c.arguments()));
                }
            }
        } else {
            o.put("response", text);
            if (!thinking.isEmpty()) {
                o.put("thinking", thinking);
            }
        }
        o.put("done", done != null);
        if (done != null) {
            o.put("done_reason", done.finishReason());
            o.put("total_duration", totalNanos);
            o.put("load_duration", 0);
            o.put("prompt_eval_count", done.promptTokens());
            o.put("prompt_eval_duration", done.stats().prefillNanos());
            o.put("eval_count", done.completionTokens());
            o.put("eval_duration", done.stats().decodeNanos());
        }
        return o;
    }

    /** Ollama gives a call's arguments as an object; text that is not one (a call cut short) stays text. */
    private static JsonNode arguments(String json) {
        try {
            JsonNode n = OpenAiApi.JSON.readTree(json);
            return n != null && n.isObject() ? n : OpenAiApi.JSON.getNodeFactory().textNode(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return OpenAiApi.JSON.getNodeFactory().textNode(json);
        }
    }

    /** GET /api/tags: the loaded model with its details, and the others a request may name. */
    static ObjectNode tags(ModelHost host) {
        ObjectNode root = OpenAiApi.JSON.createObjectNode();
        var list = root.putArray("models");
        ServedModel loaded = host.loaded().orElse(null);
        for (String id : host.available()) {
            ObjectNode m = list.addObject().put("name", id + ":latest").put("model", id + ":latest")
                    .put("modified_at", STARTED).put("digest", "");
            if (loaded != null && loaded.id().equals(id)) {
                m.put("size", loaded.card().sizeBytes());
                new OllamaApi(loaded).details(m.putObject("details"));
            } else {
                m.put("size", 0);
            }
        }
        return root;
    }

    /**
     * GET /api/ps: the model loaded now, as `ollama ps` shows it. exo serve keeps its model until
     * it stops, so it never expires (Ollama reports a keep_alive of -1 as a date far ahead, too);
     * size_vram is the model's bytes in the share of its layers whose engine runs on a GPU.
     */
    static ObjectNode ps(ModelHost host) {
        ObjectNode root = OpenAiApi.JSON.createObjectNode();
        var list = root.putArray("models");
        host.loaded().ifPresent(loaded -> {
            ObjectNode m = list.addObject().put("name", loaded.id() + ":latest").put("model", loaded.id() + ":latest")
                    .put("size", loaded.card().sizeBytes()).put("digest", "");
            new OllamaApi(loaded).details(m.putObject("details"));
            long layers = 0;
            long onGpu = 0;
            for (ServedModel.RingNode n : loaded.ring().get()) {
                layers += n.end() - n.start();
                if (onGpu(n.engine())) {
                    onGpu += n.end() - n.start();
                }
            }
            m.put("expires_at", NEVER).put("size_vram", layers == 0 ? 0 : loaded.card().sizeBytes() * onGpu / layers)
                    .put("context_length", loaded.engine().contextLength());
        });
        return root;
    }

    /** When a model kept for as long as the server runs expires: Ollama's own far-off date for that. */
    private static final String NEVER = "2318-08-21T00:00:00Z";

    /** An engine label such as "ggml/CUDA0" or "llama.cpp/Metal" computes on a GPU; "ggml/CPU" and "java" do not. */
    static boolean onGpu(String engine) {
        String backend = engine.contains("/") ? engine.substring(engine.indexOf('/') + 1) : "";
        return !backend.isEmpty() && !backend.equalsIgnoreCase("CPU");
    }

    ObjectNode show(JsonNode body) {
        RequestFields.requireObject(body);
        JsonNode name = body.has("model") ? body.get("model") : body.path("name");
        if (!name.isTextual()) {
            throw ApiError.badRequest("model", "model must be a string");
        }
        checkName(name.asText());
        ObjectNode root = OpenAiApi.JSON.createObjectNode().put("modelfile", "").put("parameters", "")
                .put("template", model.template().source()).put("modified_at", STARTED);
        details(root.putObject("details"));
        root.putObject("model_info").put("general.architecture", model.card().family())
                .put("general.parameter_count", model.card().parameters())
                .put(model.card().family() + ".context_length", model.engine().contextLength());
        var capabilities = root.putArray("capabilities").add("completion");
        if (model.template().source().contains("tools")) {
            capabilities.add("tools");
        }
        if (model.toolFormat().thinkStart() != null && model.template().source().contains(model.toolFormat().thinkStart())) {
            capabilities.add("thinking");
        }
        return root;
    }

    static ObjectNode version() {
        return OpenAiApi.JSON.createObjectNode().put("version", VERSION);
    }

    /** Ollama's error shape: {@code {"error": "..."}}. */
    static ObjectNode error(HttpError e) {
        return OpenAiApi.JSON.createObjectNode().put("error", e.getMessage());
    }

    /**
     * How a call's answer goes out: one object, or NDJSON lines (content and thinking as they
     * come, each tool call whole once it is complete, as Ollama streams them), the last with
     * done and the counts.
     */
    Generations.Framing framing(Call call) {
        return new Generations.Framing() {
            private final java.util.Map<Integer, String[]> calls = new java.util.HashMap<>();

            @Override
            public String contentType() {
                return "application/x-ndjson";
            }

            @Override
            public List<String> events(List<ToolCallEvent> events, List<TokenLogprob> logprobs) {
                List<String> out = new ArrayList<>();
                for (ToolCallEvent e : events) {
                    switch (e) {
                        case ToolCallEvent.ContentDelta c -> out.add(line(call, c.text(), "", List.of(), null, 0) + "\n");
                        case ToolCallEvent.ReasoningDelta r -> out.add(line(call, "", r.text(), List.of(), null, 0) + "\n");
                        case ToolCallEvent.ToolCallStart s -> calls.put(s.index(), new String[] {s.id(), s.name(), ""});
                        case ToolCallEvent.ToolCallArguments a -> calls.get(a.index())[2] += a.fragment();
                        case ToolCallEvent.ToolCallEnd end -> {
                            String[] c = calls.remove(end.index());
                            out.add(line(call, "", "", List.of(new ToolCall(c[0], c[1], c[2], end.complete())), null, 0)
                                    + "\n");
                        }
                    }
                }
                return out;
            }

            @Override
            public List<String> last(Answer a, long totalNanos) {
                return List.of(line(call, "", "", List.of(), a.result(), totalNanos) + "\n");
            }

            @Override
            public String failure(HttpError e) {
                return error(e) + "\n";
            }

            @Override
            public JsonNode whole(Answer a, long totalNanos) {
                return line(call, a.message().content(), a.message().reasoning(), a.message().toolCalls(), a.result(),
                        totalNanos);
            }
        };
    }

    private static boolean stream(JsonNode body) {
        JsonNode s = body.path("stream");
        if (!s.isMissingNode() && !s.isNull() && !s.isBoolean()) {
            throw ApiError.badRequest("stream", "stream must be true or false");
        }
        return s.asBoolean(true);
    }

    private void details(ObjectNode d) {
        d.put("parent_model", "").put("format", "gguf").put("family", model.card().family());
        d.putArray("families").add(model.card().family());
        d.put("parameter_size", model.card().parameterSize()).put("quantization_level", model.card().quantization());
    }

    private ServedModel.Ask ask(ServedModel.Prompt prompt, JsonNode options, OutputRules rules) {
        SamplingParams d = model.defaults();
        if (!options.isMissingNode() && !options.isObject()) {
            throw ApiError.badRequest("options", "options must be an object");
        }
        float temperature = number(options, "temperature", d.temperature(), 0, 100);
        float topP = number(options, "top_p", d.topP(), Float.MIN_VALUE, 1);
        float minP = number(options, "min_p", d.minP(), 0, 1);
        int topK = (int) number(options, "top_k", d.topK(), 0, 1 << 20);
        float repeat = number(options, "repeat_penalty", d.repeatPenalty(), Float.MIN_VALUE, 10);
        float presence = number(options, "presence_penalty", 0, -2, 2);
        float frequency = number(options, "frequency_penalty", 0, -2, 2);
        int lastN = (int) number(options, "repeat_last_n", d.repeatLastN(), 0, 1 << 20);
        long seed = options.path("seed").isIntegralNumber() ? options.get("seed").asLong() : new SecureRandom().nextLong();
        // num_predict: -1 (Ollama's default) generates until the model stops or the context is full
        int predict = (int) number(options, "num_predict", -1, -2, Integer.MAX_VALUE);
        List<String> stops = new ArrayList<>();
        JsonNode stop = options.path("stop");
        if (stop.isArray()) {
            stop.forEach(s -> stops.add(s.asText()));
        } else if (stop.isTextual()) {
            stops.add(stop.asText());
        }
        return new ServedModel.Ask(prompt, predict < 0 ? Integer.MAX_VALUE : Math.max(predict, 1),
                new SamplingParams(temperature, topK, topP, minP, repeat, lastN, seed, presence, frequency), stops, rules);
    }

    private static float number(JsonNode options, String field, float fallback, float min, float max) {
        JsonNode n = options.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
            throw ApiError.badRequest(field, "options." + field + " is out of range or not a number");
        }
        return (float) n.asDouble();
    }

    private void checkModel(JsonNode body) {
        JsonNode m = body.path("model");
        if (!m.isTextual()) {
            throw ApiError.badRequest("model", "model is required");
        }
        checkName(m.asText());
    }

    /** Ollama names carry a tag: "stories260K" and "stories260K:latest" are the same model. */
    private void checkName(String name) {
        String bare = name.endsWith(":latest") ? name.substring(0, name.length() - ":latest".length()) : name;
        if (!bare.equals(model.id())) {
            throw ApiError.notFound("model", "model_not_found", "model '" + name + "' not found; this server serves '"
                    + model.id() + "'");
        }
    }
}
