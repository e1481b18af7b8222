package exo.tokenizer.chat;

import exo.InvalidInputException;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A conversation as OpenAI's API writes it: a list of {@code {"role", "content"}} objects, or a
 * request body holding one under {@code "messages"}. Content is a string, null, or a list of
 * parts of which the {@code "text"} ones are joined (images and audio are not for these
 * models). An assistant message may carry {@code tool_calls} (each
 * {@code {"id", "type": "function", "function": {"name", "arguments"}}}, arguments a JSON
 * object or its text) and {@code reasoning_content}; a tool message {@code tool_call_id} and
 * {@code name}.
 */
public final class ChatMessages {
    private ChatMessages() {
    }

    /** @throws InvalidInputException naming what is wrong, for a one-line error */
    public static List<ChatMessage> fromJson(JsonNode json) {
        JsonNode list = json.isObject() && json.has("messages") ? json.get("messages") : json;
        if (!list.isArray()) {
            throw new InvalidInputException("messages", "messages must be a JSON list of {\"role\", \"content\"} objects");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            if (!m.isObject() || !m.path("role").isTextual()) {
                throw new InvalidInputException("messages", "messages[" + i + "] needs a \"role\" string");
            }
            if (m.get("role").asText().isBlank()) {
                throw new InvalidInputException("messages", "messages[" + i + "].role must not be blank");
            }
            out.add(new ChatMessage(m.get("role").asText(), content(m.get("content"), i),
                    optionalText(m, "reasoning_content", i), toolCalls(m.get("tool_calls"), i),
                    optionalText(m, "tool_call_id", i), optionalText(m, "name", i)));
        }
        return out;
    }

    private static String content(JsonNode c, int i) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode part : c) {
                if (!part.isObject() || !part.path("type").asText().equals("text") || !part.path("text").isTextual()) {
                    throw new InvalidInputException("messages", "messages[" + i + "].content: only text parts "
                            + "({\"type\": \"text\", \"text\": ...}) are supported");
                }
                b.append(part.get("text").asText());
            }
            return b.toString();
        }
        throw new InvalidInputException("messages", "messages[" + i + "].content must be a string or a list of text parts");
    }

    private static String optionalText(JsonNode m, String field, int i) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidInputException("messages", "messages[" + i + "]." + field + " must be a string");
        }
        return v.asText();
    }

    private static List<ToolCall> toolCalls(JsonNode calls, int i) {
        if (calls == null || calls.isNull()) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw new InvalidInputException("messages", "messages[" + i + "].tool_calls must be a list");
        }
        List<ToolCall> out = new ArrayList<>();
        for (int j = 0; j < calls.size(); j++) {
            JsonNode call = calls.get(j);
            String where = "messages[" + i + "].tool_calls[" + j + "]";
            JsonNode function = call.path("function");
            if (!function.path("name").isTextual()) {
                throw new InvalidInputException("messages", where + " needs a function with a \"name\"");
            }
            JsonNode arguments = function.get("arguments");
            Object args;
            if (arguments == null || arguments.isNull()) {
                args = null;
            } else if (arguments.isTextual()) {
                args = arguments.asText();
            } else if (arguments.isObject()) {
                args = JsonValues.of(arguments);
            } else {
                throw new InvalidInputException("messages", where + ".function.arguments must be a JSON object or a string");
            }
            JsonNode id = call.get("id");
            out.add(new ToolCall(id != null && id.isTextual() ? id.asText() : null, function.get("name").asText(), args));
        }
        return out;
    }
}
