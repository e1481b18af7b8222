package exo.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.tokenizer.chat.ChatMessage;
import exo.tokenizer.chat.tools.ToolCallFormat;
import exo.tokenizer.chat.tools.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A conversation with tools as the model's template can take it. A template written for tools
 * gets them as they are; one that was not (no {@code tools}, {@code tool_calls} or tool role
 * in its source, as the built-in ones) gets what it lacks written into the messages, as
 * llama.cpp's minja polyfills do: the tools described in the system message, earlier calls as
 * the JSON the model is asked to write, and tool results as user turns. The family with no
 * syntax of its own (llama.cpp's generic) is also told the JSON to answer in.
 */
final class ToolPrompt {
    /** llama.cpp's instruction for its generic format. */
    static final String GENERIC_INSTRUCTION = "Respond in JSON format, either with `tool_call` (a request to call tools)"
            + " or with `response` reply to the user's request";

    private ToolPrompt() {
    }

    /**
     * The prompt for {@code messages} with {@code tools} (offered to the template whenever
     * there are any, also under tool_choice none, as OpenAI does).
     */
    static ServedModel.Prompt.Chat chat(ServedModel model, List<ChatMessage> messages, List<ToolDefinition> tools,
                                        boolean callsTools, Map<String, Object> variables, String field) {
        String source = model.template().source();
        boolean readsTools = source.contains("tools");
        boolean readsCalls = source.contains("tool_calls");
        boolean readsResults = source.contains("'tool'") || source.contains("\"tool\"");
        List<ChatMessage> out = new ArrayList<>();
        for (ChatMessage m : messages) {
            if (!readsCalls && !m.toolCalls().isEmpty()) {
                out.add(new ChatMessage(m.role(), join(m.content(), callsAsJson(m)), m.reasoningContent(), List.of(),
                        m.toolCallId(), m.name()));
            } else if (!readsResults && m.role().equals("tool")) {
                ObjectNode response = OpenAiApi.JSON.createObjectNode();
                ObjectNode r = response.putObject("tool_response");
                if (m.name() != null) {
                    r.put("tool", m.name());
                }
                if (m.toolCallId() != null) {
                    r.put("tool_call_id", m.toolCallId());
                }
                r.put("content", m.content());
                addUser(out, response.toString());
            } else {
                out.add(m);
            }
        }
        StringBuilder system = new StringBuilder();
        if (!tools.isEmpty() && !readsTools) {
            ArrayNode list = OpenAiApi.JSON.createArrayNode();
            for (ToolDefinition t : tools) {
                list.addObject().put("name", t.name()).put("description", t.description()).set("parameters", t.parameters());
            }
            system.append("You can call any of the following tools to satisfy the user's requests: ").append(list);
        }
        if (callsTools && model.toolFormat() == ToolCallFormat.GENERIC) {
            system.append(system.isEmpty() ? "" : "\n\n").append(GENERIC_INSTRUCTION);
        }
        if (!system.isEmpty()) {
            if (!out.isEmpty() && out.getFirst().role().equals("system")) {
                ChatMessage first = out.removeFirst();
                out.addFirst(ChatMessage.system(join(first.content(), system.toString())));
            } else {
                out.addFirst(ChatMessage.system(system.toString()));
            }
        }
        return new ServedModel.Prompt.Chat(out, readsTools ? ToolRequests.forTemplate(tools) : null, variables, field);
    }

    /** Earlier calls as the generic format writes them: {"tool_calls": [{"name", "arguments", "id"}]}. */
    private static String callsAsJson(ChatMessage m) {
        ObjectNode root = OpenAiApi.JSON.createObjectNode();
        ArrayNode calls = root.putArray("tool_calls");
        for (var c : m.toolCalls()) {
            ObjectNode call = calls.addObject().put("name", c.name());
            call.set("arguments", c.arguments() instanceof String text ? parsedOrText(text)
                    : OpenAiApi.JSON.valueToTree(c.arguments()));
            if (c.id() != null) {
                call.put("id", c.id());
            }
        }
        return root.toString();
    }

    private static com.fasterxml.jackson.databind.JsonNode parsedOrText(String text) {
        try {
            var tree = OpenAiApi.JSON.readTree(text);
            return tree == null || tree.isMissingNode() ? OpenAiApi.JSON.getNodeFactory().textNode(text) : tree;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return OpenAiApi.JSON.getNodeFactory().textNode(text);
        }
    }

    /** Adds a user turn, joined to the one before when that is a user turn too (templates want turns to alternate). */
    private static void addUser(List<ChatMessage> out, String text) {
        if (!out.isEmpty() && out.getLast().role().equals("user")) {
            out.add(ChatMessage.user(join(out.removeLast().content(), text)));
        } else {
            out.add(ChatMessage.user(text));
        }
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : a + "\n\n" + b;
    }
}
