package exo.tokenizer.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The chat API around the renderer: messages with tool calls, tools, variables, the clock, sharing. */
class ChatTemplateApiTest {
    private static final String DUMP = "{% for m in messages %}{{ m | tojson }}\n{% endfor %}"
            + "{{ tools | tojson if tools is defined else 'no tools' }}|{{ enable_thinking | default('-') }}";

    @Test
    void strftimeNowIsTodayUnlessPinned() {
        ChatTemplate t = ChatTemplate.of("{{ strftime_now('%d %b %Y') }}", "", "");
        DateTimeFormatter format = DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH);
        String before = LocalDate.now().format(format);
        String rendered = t.render(List.of(ChatMessage.user("Hi")), true);
        String after = LocalDate.now().format(format);
        assertTrue(rendered.equals(before) || rendered.equals(after), rendered + " is not today, " + before);
        assertEquals("26 Jul 2026", t.withToday(LocalDate.of(2026, 7, 26)).render(List.of(ChatMessage.user("Hi")), true));
        assertEquals(rendered, t.render(List.of(ChatMessage.user("Hi")), true), "withToday made a new template");
    }

    @Test
    void llama32StyleDateCheckSeesStrftimeNow() {
        ChatTemplate t = ChatTemplate.of("{%- if strftime_now is defined %}{{ strftime_now('%d %b %Y') }}"
                + "{%- else %}26 Jul 2024{% endif %}", "", "").withToday(LocalDate.of(2025, 1, 2));
        assertEquals("02 Jan 2025", t.render(List.of(ChatMessage.user("Hi")), true));
    }

    @Test
    void toolCallAndToolResultMessagesAsTheTemplateSeesThem() {
        ChatTemplate t = ChatTemplate.of(DUMP, "", "");
        List<ChatMessage> chat = List.of(ChatMessage.user("Weather?"),
                ChatMessage.assistant("", List.of(new ToolCall("call1", "get_weather", Map.of("city", "Oslo")),
                        new ToolCall(null, "get_time", "{\"zone\": \"UTC\"}"))).withReasoning("Look it up."),
                ChatMessage.tool("call1", "get_weather", "{\"t\": -3}"));
        assertEquals("""
                {"role": "user", "content": "Weather?"}
                {"role": "assistant", "content": "", "reasoning_content": "Look it up.", "tool_calls": [{"id": "call1", \
                "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}, {"type": \
                "function", "function": {"name": "get_time", "arguments": "{\\"zone\\": \\"UTC\\"}"}}]}
                {"role": "tool", "content": "{\\"t\\": -3}", "tool_call_id": "call1", "name": "get_weather"}
                no tools|-""", t.render(chat, false));
    }

    @Test
    void jsonInputKeepsWhatTheClientSent() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ChatTemplateInput input = ChatTemplateInput.fromJson(json.readTree("""
                        [{"role": "user", "content": [{"type": "text", "text": "Hi"}]},
                         {"role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "function",
                          "function": {"name": "f", "arguments": {"n": 1, "x": 2.5, "ok": true}}}]}]"""),
                json.readTree("[{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]"), true,
                json.readTree("{\"enable_thinking\": false}"));
        assertEquals("""
                {"role": "user", "content": [{"type": "text", "text": "Hi"}]}
                {"role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "function", "function": \
                {"name": "f", "arguments": {"n": 1, "x": 2.5, "ok": true}}}]}
                [{"type": "function", "function": {"name": "f"}}]|False""", ChatTemplate.of(DUMP, "", "").render(input));
        assertEquals("no tools|True", ChatTemplate.of("{{ tools | tojson if tools is defined else 'no tools' }}|"
                + "{{ enable_thinking }}", "", "").render(input.withTools(null).withVariable("enable_thinking", true)));
    }

    @Test
    void chatMessagesReadToolCallsFromOpenAiJson() throws Exception {
        List<ChatMessage> messages = ChatMessages.fromJson(new ObjectMapper().readTree("""
                {"messages": [{"role": "assistant", "content": null, "reasoning_content": "r",
                  "tool_calls": [{"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}},
                                 {"function": {"name": "g", "arguments": {"k": [1, 2]}}}]},
                 {"role": "tool", "tool_call_id": "a", "name": "f", "content": "42"}]}"""));
        assertEquals(List.of(new ToolCall("a", "f", "{}"), new ToolCall(null, "g", Map.of("k", List.of(1L, 2L)))),
                messages.get(0).toolCalls());
        assertEquals("", messages.get(0).content());
        assertEquals("r", messages.get(0).reasoningContent());
        assertEquals(ChatMessage.tool("a", "f", "42"), messages.get(1));
        exo.InvalidInputException e = assertThrows(exo.InvalidInputException.class, () -> ChatMessages.fromJson(
                new ObjectMapper().readTree("[{\"role\": \"assistant\", \"tool_calls\": [{\"function\": "
                        + "{\"name\": \"f\", \"arguments\": [1]}}]}]")));
        assertEquals("messages[0].tool_calls[0].function.arguments must be a JSON object or a string", e.getMessage());
    }

    @Test
    void inputRefusesWhatIsNotJsonLike() {
        assertThrows(exo.InvalidInputException.class, () -> new ChatTemplateInput(List.of(Map.of("content", "x")),
                null, true, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new ChatTemplateInput(List.of(Map.of("role", "user",
                "content", new Object())), null, true, Map.of()));
        assertThrows(exo.InvalidInputException.class, () -> new ChatTemplateInput(List.of(), null, true,
                Map.of("messages", List.of())));
    }

    @Test
    void refusalsAreOneLineWithTheTemplatesMessage() {
        ChatTemplate t = ChatTemplate.of("{% for m in messages %}{% if m.role == 'system' %}"
                + "{{ raise_exception('No system\\nrole') }}{% endif %}{% endfor %}{{ messages[5].content.x }}", "", "");
        ChatTemplateException raised = assertThrows(ChatTemplateException.class,
                () -> t.render(List.of(ChatMessage.system("s")), true));
        assertEquals("chat template refused the conversation: No system role", raised.getMessage());
        ChatTemplateException failed = assertThrows(ChatTemplateException.class,
                () -> t.render(List.of(ChatMessage.user("u")), true));
        assertEquals("chat template error at line 1: list object has no element 5", failed.getMessage());
        ChatTemplateException syntax = assertThrows(ChatTemplateException.class,
                () -> ChatTemplate.of("line one\n{% if %}", "", "").render(List.of(), true));
        assertTrue(syntax.getMessage().startsWith("chat template error at line 2: "), syntax.getMessage());
    }

    @Test
    void oneTemplateRendersOnManyThreadsAtOnce() throws Exception {
        ChatTemplate t = ChatTemplate.of("{% set ns = namespace(n=0) %}{% for m in messages %}"
                + "{% set ns.n = ns.n + m.content | length %}{{ m.content }};{% endfor %}{{ ns.n }}", "", "");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String word = "w" + i;
                results.add(pool.submit(() -> t.render(List.of(ChatMessage.user(word), ChatMessage.user("xy")), true)));
            }
            Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < results.size(); i++) {
                String word = "w" + i;
                assertEquals(word + ";xy;" + (word.length() + 2), results.get(i).get());
                seen.add(results.get(i).get());
            }
            assertEquals(64, seen.size());
        } finally {
            pool.shutdown();
        }
    }
}
