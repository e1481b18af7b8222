package exo.tokenizer.chat;

import exo.InvalidInputException;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a chat template renders, as Hugging Face's apply_chat_template passes it: the
 * messages (each a JSON-like map: role, content as a string, null or a list of parts, and
 * tool_calls, tool_call_id, name, reasoning_content where present), the tools (OpenAI tool
 * definitions; null means the template's {@code tools} is undefined, as when transformers is
 * given none), add_generation_prompt, and further variables such as {@code enable_thinking}
 * from a request's chat_template_kwargs. Values are plain Java (Map with String keys, List,
 * String, Long/Integer, Double, Boolean, null), copied and unmodifiable.
 */
public record ChatTemplateInput(List<Object> messages, List<Object> tools, boolean addGenerationPrompt,
                                Map<String, Object> variables) {
    /** Names the template gets from the other fields. */
    private static final Set<String> RESERVED = Set.of("messages", "tools", "add_generation_prompt");

    public ChatTemplateInput {
        Objects.requireNonNull(messages, "messages");
        List<Object> ms = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.get(i) instanceof Map<?, ?> m) || !(m.get("role") instanceof String)) {
                throw new InvalidInputException("messages", "messages[" + i + "] needs a \"role\" string");
            }
            ms.add(JsonValues.copyOf(m));
        }
        messages = Collections.unmodifiableList(ms);
        if (tools != null) {
            @SuppressWarnings("unchecked")
            List<Object> copy = (List<Object>) JsonValues.copy(tools);
            tools = copy;
        }
        variables = variables == null ? Map.of() : JsonValues.copyOf(variables);
        for (String name : variables.keySet()) {
            if (RESERVED.contains(name)) {
                throw new InvalidInputException("chat_template_kwargs", "the template variable " + name + " cannot be set by name");
            }
        }
    }

    /** A conversation of {@link ChatMessage}s, without tools or other variables. */
    public static ChatTemplateInput of(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Object> values = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            values.add(m.toTemplateValue());
        }
        return new ChatTemplateInput(values, null, addGenerationPrompt, Map.of());
    }

    /**
     * From JSON as an OpenAI request carries it.
     *
     * @param messages  the messages array
     * @param tools     the tools array, or null/missing for none
     * @param variables an object of extra variables (chat_template_kwargs), or null/missing
     */
    public static ChatTemplateInput fromJson(JsonNode messages, JsonNode tools, boolean addGenerationPrompt,
                                             JsonNode variables) {
        if (messages == null || !messages.isArray()) {
            throw new InvalidInputException("messages", "messages must be a JSON list of {\"role\", \"content\"} objects");
        }
        if (tools != null && !tools.isNull() && !tools.isMissingNode() && !tools.isArray()) {
            throw new InvalidInputException("tools", "tools must be a JSON list of tool definitions");
        }
        if (variables != null && !variables.isNull() && !variables.isMissingNode() && !variables.isObject()) {
            throw new InvalidInputException("chat_template_kwargs", "template variables must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        List<Object> ms = (List<Object>) JsonValues.of(messages);
        @SuppressWarnings("unchecked")
        List<Object> ts = (List<Object>) JsonValues.of(tools);
        @SuppressWarnings("unchecked")
        Map<String, Object> vs = (Map<String, Object>) JsonValues.of(variables);
        return new ChatTemplateInput(ms, ts, addGenerationPrompt, vs);
    }

    /** The same input with these tools (null for none). */
    public ChatTemplateInput withTools(List<?> newTools) {
        return new ChatTemplateInput(messages, newTools == null ? null : new ArrayList<>(newTools), addGenerationPrompt,
                variables);
    }

    /** The same input with one more variable, e.g. {@code withVariable("enable_thinking", false)}. */
    public ChatTemplateInput withVariable(String name, Object value) {
        Map<String, Object> vs = new LinkedHashMap<>(variables);
        vs.put(name, value);
        return new ChatTemplateInput(messages, tools, addGenerationPrompt, vs);
    }
}
