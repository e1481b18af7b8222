package exo.serve;

import static exo.serve.AgentRequests.WEATHER_SCHEMA;
import static exo.serve.AgentRequests.assertFits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAny;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import exo.download.ExoProcess;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent APIs on a random-weight model of a real tool-call family ({@link ToolFamilyModel}:
 * Qwen's control tokens, QwQ's template), through OpenAI's and Anthropic's official clients:
 * forced calls come out in the Hermes syntax through its control tokens and parse into valid
 * calls; chat_template_kwargs' enable_thinking reaches the template, and what the model writes
 * inside the think tags the prompt opened is reasoning_content, Anthropic thinking blocks and
 * Ollama's thinking, whole and streamed alike, split exactly where the raw output has its tag.
 */
class AgentToolFamilyTest {
    private static final String MODEL = "qwq-tools";

    @TempDir
    static Path tmp;
    private static ExoProcess server;
    private static int port;
    private static OpenAIClient openAi;
    private static AnthropicClient anthropic;

    @BeforeAll
    static void start() throws Exception {
        Path model = ToolFamilyModel.write(tmp.resolve("models"));
        server = ExoProcess.start(tmp, Map.of(), "serve", "--model-file", model.toString(), "--discovery", "static",
                "--http-port", "0", "--threads", "1");
        port = Integer.parseInt(server.awaitStderr(Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)"), 60).group(1));
        openAi = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("none").build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port).apiKey("none").build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static ChatCompletionCreateParams.Builder call(ChatCompletionToolChoiceOption choice) {
        return ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("What is the weather in Paris?")
                .addFunctionTool(AgentApisTest.weather()).toolChoice(choice).parallelToolCalls(false)
                .maxCompletionTokens(400).temperature(0.0);
    }

    @Test
    void aRandomModelCallsAToolInItsFamilysSyntax() throws Exception {
        ChatCompletion whole = openAi.chat().completions().create(call(ChatCompletionToolChoiceOption.ofAuto(
                ChatCompletionToolChoiceOption.Auto.REQUIRED)).logprobs(true).build());
        ChatCompletion.Choice c = whole.choices().getFirst();
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.finishReason());
        var function = c.message().toolCalls().orElseThrow().getFirst().asFunction().function();
        assertEquals("get_weather", function.name());
        assertFits(WEATHER_SCHEMA, function.arguments());
        // What the model wrote is Hermes' <tool_call> block, its markers control tokens of the vocabulary.
        StringBuilder raw = new StringBuilder();
        c.logprobs().orElseThrow().content().orElseThrow().forEach(t -> raw.append(t.token()));
        assertTrue(raw.toString().startsWith("<tool_call>\n{"), raw.toString());
        assertTrue(raw.toString().strip().endsWith("}</tool_call>"), raw.toString());

        var named = ChatCompletionToolChoiceOption.ofNamedToolChoice(ChatCompletionNamedToolChoice.builder()
                .function(ChatCompletionNamedToolChoice.Function.builder().name("get_weather").build()).build());
        String[] finish = new String[1];
        var streamed = AgentApisTest.streamedCalls(openAi, call(named).build(), finish);
        assertEquals("tool_calls", finish[0]);
        assertEquals("get_weather", streamed.get(0L)[1]);
        assertEquals(function.arguments(), streamed.get(0L)[2], "greedy: the named call is the required one");
    }

    private static ChatCompletionCreateParams.Builder thinking(boolean on, String format) {
        return ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Why is the sky blue?")
                .maxCompletionTokens(40).temperature(0.0)
                .putAdditionalBodyProperty("chat_template_kwargs", JsonValue.from(Map.of("enable_thinking", on)))
                .putAdditionalBodyProperty("reasoning_format", JsonValue.from(format));
    }

    private static String reasoningOf(ChatCompletion c) {
        JsonValue r = c.choices().getFirst().message()._additionalProperties().get("reasoning_content");
        return r == null ? "" : r.convert(String.class);
    }

    @Test
    void theReasoningInTheThinkTagsIsReasoningContentWholeStreamedAndInEveryApi() throws Exception {
        // reasoning_format none leaves the output raw: the reference for where the tag is
        String raw = openAi.chat().completions().create(thinking(true, "none").build()).choices().getFirst().message()
                .content().orElseThrow();
        int close = raw.indexOf("</think>");
        String reasoning = (close < 0 ? raw : raw.substring(0, close)).strip();
        String content = close < 0 ? "" : raw.substring(close + "</think>".length()).stripLeading();
        assertFalse(reasoning.isEmpty());

        ChatCompletion split = openAi.chat().completions().create(thinking(true, "auto").build());
        assertEquals(reasoning, reasoningOf(split));
        assertEquals(content, split.choices().getFirst().message().content().orElse(""));

        StringBuilder streamedReasoning = new StringBuilder();
        StringBuilder streamedContent = new StringBuilder();
        try (var stream = openAi.chat().completions().createStreaming(thinking(true, "auto").build())) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                for (ChatCompletionChunk.Choice ch : chunk.choices()) {
                    JsonValue r = ch.delta()._additionalProperties().get("reasoning_content");
                    if (r != null) {
                        streamedReasoning.append(r.convert(String.class));
                    }
                    ch.delta().content().ifPresent(streamedContent::append);
                }
            }
        }
        assertEquals(reasoning, streamedReasoning.toString());
        assertEquals(content, streamedContent.toString());

        // enable_thinking false: QwQ's template closes the tags itself, so all is content
        ChatCompletion off = openAi.chat().completions().create(thinking(false, "auto").build());
        assertEquals("", reasoningOf(off));
        assertTrue(off.usage().orElseThrow().promptTokens() > split.usage().orElseThrow().promptTokens(),
                "the template wrote </think> into the prompt");

        // Anthropic's thinking config sets enable_thinking; the reasoning is a thinking block
        MessageCreateParams.Builder claude = MessageCreateParams.builder().model(MODEL).maxTokens(40)
                .additionalBodyProperties(AgentApisTest.GREEDY).addUserMessage("Why is the sky blue?")
                .enabledThinking(1024);
        Message m = anthropic.messages().create(claude.build());
        assertEquals(reasoning, m.content().getFirst().asThinking().thinking());
        StringBuilder thought = new StringBuilder();
        try (var stream = anthropic.messages().createStreaming(claude.build())) {
            for (RawMessageStreamEvent e : (Iterable<RawMessageStreamEvent>) stream.stream()::iterator) {
                e.contentBlockDelta().flatMap(d -> d.delta().thinking()).ifPresent(t -> thought.append(t.thinking()));
            }
        }
        assertEquals(reasoning, thought.toString());

        JsonNode ollama = AgentRequests.postOk(port, "none", "/api/chat", """
                {"model": "qwq-tools", "stream": false, "think": true, "messages": [{"role": "user", "content":
                 "Why is the sky blue?"}], "options": {"temperature": 0, "num_predict": 40}}""");
        assertEquals(reasoning, ollama.get("message").get("thinking").asText());
    }

    @Test
    void anthropicsAnyToolChoiceIsAToolUseBlock() {
        Message m = anthropic.messages().create(MessageCreateParams.builder().model(MODEL).maxTokens(400)
                .additionalBodyProperties(AgentApisTest.GREEDY).addUserMessage("What is the weather in Paris?")
                .addTool(Tool.builder().name("get_weather").inputSchema(Tool.InputSchema.builder()
                        .putAllAdditionalProperties(AgentRequests.anthropic(WEATHER_SCHEMA))
                        .removeAdditionalProperty("type").build()).build())
                .toolChoice(ToolChoiceAny.builder().disableParallelToolUse(true).build()).build());
        assertEquals(StopReason.TOOL_USE, m.stopReason().orElseThrow());
        ContentBlock use = m.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow();
        assertFits(WEATHER_SCHEMA, AgentRequests.text(use.asToolUse()._input()));
    }
}
