package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;
import exo.tokenizer.chat.JsonValues;
import exo.tokenizer.chat.tools.ToolChoice;
import exo.tokenizer.chat.tools.ToolDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request fields about tools as OpenAI's APIs (and Ollama's, which copies chat
 * completions') write them, read and checked, each refusal naming its field: the tools, the
 * tool choice, and chat_template_kwargs.
 */
final class ToolRequests {
    private ToolRequests() {
    }

    /**
     * Chat completions' {@code tools}: {@code [{"type": "function", "function": {"name",
     * "description", "parameters"}}]}; the Responses API's flat form {@code {"type": "function",
     * "name", ...}} with {@code flat}.
     */
    static List<ToolDefinition> tools(JsonNode tools, String field, boolean flat) {
        List<ToolDefinition> out = new ArrayList<>();
        if (tools.isMissingNode() || tools.isNull()) {
            return out;
        }
        if (!tools.isArray()) {
            throw ApiError.badRequest(field, field + " must be a list of tools");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String where = field + "[" + i + "]";
            if (!t.isObject() || !t.path("type").asText("function").equals("function")) {
                throw ApiError.badRequest(field, where + ": only function tools ({\"type\": \"function\", ...}) are "
                        + "supported");
            }
            JsonNode f = flat ? t : t.path("function");
            out.add(definition(f, where + (flat ? "" : ".function"), field, "parameters", names));
        }
        return out;
    }

    /** One function: a name of letters, digits, '_', '-' or '.', an optional description and an object schema. */
    static ToolDefinition definition(JsonNode f, String where, String field, String schemaField, Set<String> names) {
        if (!f.isObject() || !f.path("name").isTextual()) {
            throw ApiError.badRequest(field, where + " needs a \"name\" string");
        }
        String name = f.get("name").asText();
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw ApiError.badRequest(field, where + ".name must be 1 to 64 letters, digits, '_', '-' or '.', not '"
                    + name + "'");
        }
        if (!names.add(name)) {
            throw ApiError.badRequest(field, "two tools are named '" + name + "'");
        }
        JsonNode description = f.path("description");
        if (!description.isMissingNode() && !description.isNull() && !description.isTextual()) {
            throw ApiError.badRequest(field, where + ".description must be a string");
        }
        JsonNode schema = f.path(schemaField);
        if (!schema.isMissingNode() && !schema.isNull() && !schema.isObject()) {
            throw ApiError.badRequest(field, where + "." + schemaField + " must be a JSON schema object");
        }
        return new ToolDefinition(name, description.asText(""), schema.isObject() ? schema : null);
    }

    /**
     * {@code tool_choice}: "auto", "none", "required", or a named function, as chat completions
     * write it ({@code {"type": "function", "function": {"name"}}}) or the Responses API
     * ({@code {"type": "function", "name"}}). The default is auto with tools, none without.
     */
    static ToolChoice choice(JsonNode choice, List<ToolDefinition> tools) {
        if (choice.isMissingNode() || choice.isNull()) {
            return tools.isEmpty() ? ToolChoice.NONE : ToolChoice.AUTO;
        }
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> ToolChoice.NONE;
                case "required" -> required(tools);
                default -> throw ApiError.badRequest("tool_choice", "tool_choice must be \"auto\", \"none\", "
                        + "\"required\" or a function, not '" + choice.asText() + "'");
            };
        }
        JsonNode name = choice.path("function").path("name");
        if (!name.isTextual()) {
            name = choice.path("name");
        }
        if (!choice.isObject() || !choice.path("type").asText("function").equals("function") || !name.isTextual()) {
            throw ApiError.badRequest("tool_choice", "tool_choice must be \"auto\", \"none\", \"required\" or "
                    + "{\"type\": \"function\", \"function\": {\"name\": ...}}");
        }
        return named(name.asText(), tools, "tool_choice");
    }

    static ToolChoice required(List<ToolDefinition> tools) {
        if (tools.isEmpty()) {
            throw ApiError.badRequest("tool_choice", "tool_choice asks for a tool call, but the request has no tools");
        }
        return ToolChoice.REQUIRED;
    }

    static ToolChoice named(String name, List<ToolDefinition> tools, String field) {
        if (tools.stream().noneMatch(t -> t.name().equals(name))) {
            throw ApiError.badRequest(field, field + " names function '" + name + "', which is not among the tools");
        }
        return new ToolChoice.Named(name);
    }

    /** A boolean field, {@code fallback} when absent. */
    static boolean flag(JsonNode body, String field, boolean fallback) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw ApiError.badRequest(field, field + " must be true or false");
        }
        return v.asBoolean();
    }

    /** The tools as chat templates read them: OpenAI's chat completions shape, as JSON-like values. */
    static List<Object> forTemplate(List<ToolDefinition> tools) {
        if (tools.isEmpty()) {
            return null;
        }
        List<Object> out = new ArrayList<>();
        for (ToolDefinition t : tools) {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", t.name());
            function.put("description", t.description());
            function.put("parameters", JsonValues.of(t.parameters()));
            Map<String, Object> tool = new LinkedHashMap<>();
            tool.put("type", "function");
            tool.put("function", function);
            out.add(tool);
        }
        return out;
    }

    /** {@code chat_template_kwargs}: further variables for the template, such as {"enable_thinking": false}. */
    static Map<String, Object> templateVariables(JsonNode kwargs, String field) {
        if (kwargs.isMissingNode() || kwargs.isNull()) {
            return Map.of();
        }
        if (!kwargs.isObject()) {
            throw ApiError.badRequest(field, field + " must be a JSON object of template variables");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> vars = (Map<String, Object>) JsonValues.of(kwargs);
        for (String reserved : List.of("messages", "tools", "add_generation_prompt", "bos_token", "eos_token")) {
            if (vars.containsKey(reserved)) {
                throw ApiError.badRequest(field, field + " cannot set '" + reserved + "'");
            }
        }
        return vars;
    }
}
