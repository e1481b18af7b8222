package exo.tokenizer.chat;

import exo.InvalidInputException;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A conversation as OpenAI's API writes it: a list of {@code {"role", "content"}} objects, or a
 * request body holding one under {@code "messages"}. Content is a string, or a list of parts of
 * which the {@code "text"} ones are joined (images and audio are not for these models).
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
            out.add(new ChatMessage(m.get("role").asText(), content(m.get("content"), i)));
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
}
