package exo.tokenizer.chat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One turn of a conversation: role ("system", "user", "assistant", "tool", ...) and its text,
 * and for agents the assistant's reasoning and tool calls, and a tool result's call id and
 * function name. The fields a message does not have (null, or no calls) are absent from what
 * the template sees, as they are from the JSON a client sends.
 *
 * @param role             the speaker
 * @param content          the text ("" for none)
 * @param reasoningContent the assistant's reasoning before its answer, or null
 * @param toolCalls        the assistant's tool calls (empty for none)
 * @param toolCallId       for a tool result: the id of the call it answers, or null
 * @param name             for a tool result: the function's name, or null
 */
public record ChatMessage(String role, String content, String reasoningContent, List<ToolCall> toolCalls,
                          String toolCallId, String name) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (role.isBlank()) {
            throw new IllegalArgumentException("a chat message needs a role");
        }
    }

    public ChatMessage(String role, String content) {
        this(role, content, null, List.of(), null, null);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    /** An assistant turn that calls tools (content is often ""). */
    public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
        return new ChatMessage("assistant", content, null, toolCalls, null, null);
    }

    /** A tool's result, answering the call with id {@code toolCallId} to function {@code name}. */
    public static ChatMessage tool(String toolCallId, String name, String content) {
        return new ChatMessage("tool", content, null, List.of(), toolCallId, name);
    }

    /** The same message with the assistant's reasoning. */
    public ChatMessage withReasoning(String reasoning) {
        return new ChatMessage(role, content, reasoning, toolCalls, toolCallId, name);
    }

    /** The message as the template sees it: role, content, then the fields it has, as OpenAI orders them. */
    public Map<String, Object> toTemplateValue() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        if (reasoningContent != null) {
            m.put("reasoning_content", reasoningContent);
        }
        if (!toolCalls.isEmpty()) {
            m.put("tool_calls", toolCalls.stream().map(ToolCall::toTemplateValue).toList());
        }
        if (toolCallId != null) {
            m.put("tool_call_id", toolCallId);
        }
        if (name != null) {
            m.put("name", name);
        }
        return m;
    }
}
