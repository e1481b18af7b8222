package exo.tokenizer.chat.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A function the model may call: its name, description (may be empty) and JSON schema for the
 * arguments object. Read from the APIs' shapes with {@link #fromOpenAi} and
 * {@link #fromAnthropic}.
 */
public record ToolDefinition(String name, String description, JsonNode parameters) {
    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a tool needs a name");
        }
        description = description == null ? "" : description;
        parameters = parameters == null || parameters.isNull() ? emptyObjectSchema() : parameters;
    }

    /**
     * OpenAI's {@code tools}: {@code [{"type": "function", "function": {"name", "description",
     * "parameters"}}]} (Ollama uses the same). Entries of other types are skipped.
     */
    public static List<ToolDefinition> fromOpenAi(JsonNode tools) {
        List<ToolDefinition> out = new ArrayList<>();
        if (tools == null || !tools.isArray()) {
            return out;
        }
        for (JsonNode t : tools) {
            JsonNode f = t.get("function");
            if (f == null || (t.has("type") && !"function".equals(t.get("type").asText()))) {
                continue;
            }
            if (!f.hasNonNull("name")) {
                throw new IllegalArgumentException("a tool function has no name");
            }
            out.add(new ToolDefinition(f.get("name").asText(), f.path("description").asText(""), f.get("parameters")));
        }
        return out;
    }

    /** Anthropic's {@code tools}: {@code [{"name", "description", "input_schema"}]}. */
    public static List<ToolDefinition> fromAnthropic(JsonNode tools) {
        List<ToolDefinition> out = new ArrayList<>();
        if (tools == null || !tools.isArray()) {
            return out;
        }
        for (JsonNode t : tools) {
            if (!t.hasNonNull("name")) {
                throw new IllegalArgumentException("a tool has no name");
            }
            out.add(new ToolDefinition(t.get("name").asText(), t.path("description").asText(""), t.get("input_schema")));
        }
        return out;
    }

    /** The JSON type the schema gives property {@code key} ("string", "integer", ...), or null if it does not say. */
    String propertyType(String key) {
        JsonNode p = parameters.path("properties").path(key);
        JsonNode type = p.get("type");
        if (type != null && type.isTextual()) {
            return type.asText();
        }
        if (p.has("enum") && p.get("enum").isArray() && !p.get("enum").isEmpty()) {
            boolean allStrings = true;
            for (JsonNode e : p.get("enum")) {
                allStrings &= e.isTextual();
            }
            return allStrings ? "string" : null;
        }
        return null;
    }

    private static JsonNode emptyObjectSchema() {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("type", "object");
        node.putObject("properties");
        return node;
    }
}
