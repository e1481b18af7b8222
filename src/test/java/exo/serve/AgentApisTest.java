package exo.serve;

import static exo.serve.AgentRequests.PERSON_SCHEMA;
import static exo.serve.AgentRequests.WEATHER_SCHEMA;
import static exo.serve.AgentRequests.assertFits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceTool;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseTextConfig;
import com.openai.models.responses.ToolChoiceOptions;
import exo.TestModels;
import exo.download.ExoProcess;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The APIs agents use, against a real `exo serve` on stories260K (a model that knows nothing of
 * tools or JSON; its template is the built-in Llama 2 one, so tools reach it as llama.cpp's
 * generic JSON format), through OpenAI's and Anthropic's official Java clients: forced tool calls
 * are valid calls whose arguments fit the schema, whole and streamed alike; tool results go back
 * in; json_schema answers fit; logprobs and logit_bias act; the Responses API and the Messages
 * API answer as their clients expect, equal to chat completions where they ask the same.
 */
class AgentApisTest {
    private static final String KEY = "agent-key";
    private static final String MODEL = "stories260K";
    private static final String ASK = "What is the weather in Paris?";

    @TempDir
    static Path tmp;
    private static ExoProcess server;
    private static int port;
    private static OpenAIClient openAi;
    private static AnthropicClient anthropic;

    @BeforeAll
    static void start() throws Exception {
        server = ExoProcess.start(tmp, Map.of(), "serve", "--model-file", TestModels.stories260K().toString(),
                "--discovery", "static", "--http-port", "0", "--api-key", KEY, "--threads", "1");
        port = Integer.parseInt(server.awaitStderr(Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)"), 60).group(1));
        openAi = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(KEY).build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port).apiKey(KEY).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static FunctionDefinition weather() {
        return FunctionDefinition.builder().name("get_weather").description("The weather in a city")
                .parameters(FunctionParameters.builder().putAllAdditionalProperties(AgentRequests.openAi(WEATHER_SCHEMA))
                        .build()).build();
    }

    private static ChatCompletionCreateParams.Builder forcedCall() {
        return ChatCompletionCreateParams.builder().model(MODEL).addUserMessage(ASK).addFunctionTool(weather())
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).parallelToolCalls(false)
                .maxCompletionTokens(300).temperature(0.0);
    }

    /** A call as the client streamed it: index to {id, name, arguments}. */
    static Map<Long, String[]> streamedCalls(OpenAIClient client, ChatCompletionCreateParams params, String[] finish) {
        Map<Long, String[]> calls = new TreeMap<>();
        try (var stream = client.chat().completions().createStreaming(params)) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                for (ChatCompletionChunk.Choice c : chunk.choices()) {
                    for (var d : c.delta().toolCalls().orElse(List.of())) {
                        String[] call = calls.computeIfAbsent(d.index(), i -> new String[] {null, null, ""});
                        d.id().ifPresent(id -> call[0] = id);
                        d.function().flatMap(f -> f.name()).ifPresent(n -> call[1] = n);
                        d.function().flatMap(f -> f.arguments()).ifPresent(a -> call[2] += a);
                    }
                    c.finishReason().ifPresent(f -> finish[0] = f.asString());
                }
            }
        }
        return calls;
    }

    @Test
    void aForcedToolCallIsAValidCallWholeAndStreamedAndItsResultGoesBackIn() throws Exception {
        ChatCompletion whole = openAi.chat().completions().create(forcedCall().build());
        ChatCompletion.Choice choice = whole.choices().getFirst();
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
                .map(c -> c.asFunction()).toList();
        assertEquals(1, calls.size());
        assertEquals("get_weather", calls.getFirst().function().name());
        assertFits(WEATHER_SCHEMA, calls.getFirst().function().arguments());
        assertTrue(calls.getFirst().id().startsWith("call_"), calls.getFirst().id());

        String[] finish = new String[1];
        Map<Long, String[]> streamed = streamedCalls(openAi, forcedCall().build(), finish);
        assertEquals("tool_calls", finish[0]);
        assertEquals(1, streamed.size());
        String[] call = streamed.get(0L);
        assertTrue(call[0] != null && call[0].startsWith("call_"), "the first delta carries the id");
        assertEquals("get_weather", call[1]);
        assertEquals(calls.getFirst().function().arguments(), call[2], "the fragments add up to the whole call");

        // The call and its result go back in; the model answers in words (tool_choice none).
        ChatCompletion answer = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage(ASK).addMessage(choice.message()).addMessage(ChatCompletionToolMessageParam.builder()
                        .toolCallId(calls.getFirst().id()).content("Sunny, 21 degrees").build())
                .addFunctionTool(weather()).toolChoice(ChatCompletionToolChoiceOption.Auto.NONE)
                .maxCompletionTokens(10).temperature(0.0).build());
        assertTrue(answer.choices().getFirst().message().toolCalls().orElse(List.of()).isEmpty());
        assertTrue(answer.usage().orElseThrow().promptTokens() > whole.usage().orElseThrow().promptTokens() + 10);
        // The built-in template knows no tool turns: the call and its result are written into the conversation.
        JsonNode prompt = AgentRequests.postOk(port, KEY, "/apply-template", """
                {"messages": [{"role": "user", "content": "%s"}, {"role": "assistant", "content": null, "tool_calls":
                 [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
                 {"role": "tool", "tool_call_id": "call_1", "content": "Sunny, 21 degrees"}]}""".formatted(ASK));
        assertTrue(prompt.get("prompt").asText().contains("{\"tool_calls\":[{\"name\":\"get_weather\""), prompt.toString());
        assertTrue(prompt.get("prompt").asText().contains("\"tool_response\":{\"tool_call_id\":\"call_1\","
                + "\"content\":\"Sunny, 21 degrees\"}"), prompt.toString());
    }

    @Test
    void withToolChoiceAutoTheGenericFormatAnswersWithACallOrWordsAndNeverBrokenJson() {
        ChatCompletion c = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage(ASK).addFunctionTool(weather()).parallelToolCalls(false).maxCompletionTokens(300)
                .temperature(0.0).build());
        ChatCompletion.Choice choice = c.choices().getFirst();
        // stories260K answers with a call: llama.cpp's generic grammar leaves it {"tool_call": ...} or {"response": ...}
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason(), choice.toString());
        var call = choice.message().toolCalls().orElseThrow().getFirst().asFunction().function();
        assertEquals("get_weather", call.name());
        assertFits(WEATHER_SCHEMA, call.arguments());
    }

    @Test
    void aJsonSchemaAnswerFitsTheSchema() {
        ChatCompletion c = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("Who are you?").responseFormat(ResponseFormatJsonSchema.builder()
                        .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder().name("person").strict(true)
                                .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                        .putAllAdditionalProperties(AgentRequests.openAi(PERSON_SCHEMA)).build())
                                .build()).build())
                .maxCompletionTokens(200).temperature(0.7).seed(5L).build());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().getFirst().finishReason());
        assertFits(PERSON_SCHEMA, c.choices().getFirst().message().content().orElseThrow());
    }

    @Test
    void logprobsDescribeTheTokensAndLogitBiasChangesThem() throws Exception {
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("Once upon a time").maxCompletionTokens(8).temperature(0.0).logprobs(true).topLogprobs(3);
        ChatCompletion.Choice c = openAi.chat().completions().create(params.build()).choices().getFirst();
        List<ChatCompletionTokenLogprob> tokens = c.logprobs().orElseThrow().content().orElseThrow();
        assertEquals(8, tokens.size());
        StringBuilder text = new StringBuilder();
        for (ChatCompletionTokenLogprob t : tokens) {
            text.append(t.token());
            assertEquals(3, t.topLogprobs().size());
            assertEquals(t.token(), t.topLogprobs().getFirst().token(), "greedy picks the most likely");
            assertTrue(t.logprob() <= 0 && t.logprob() >= t.topLogprobs().get(2).logprob());
        }
        assertEquals(c.message().content().orElseThrow(), text.toString());

        Tokenizer tokenizer = Tokenizers.fromMetadata(exo.gguf.GgufFile.readHeader(TestModels.stories260K()).metadata());
        byte[] first = tokens.getFirst().token().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // Every token with that text (a piece and its byte fallback may spell the same)
        var bias = ChatCompletionCreateParams.LogitBias.builder();
        int banned = 0;
        for (int i = 0; i < tokenizer.vocabSize(); i++) {
            if (java.util.Arrays.equals(tokenizer.tokenBytes(i, true), first)) {
                bias.putAdditionalProperty(String.valueOf(i), JsonValue.from(-100));
                banned++;
            }
        }
        assertTrue(banned > 0);
        ChatCompletion biased = openAi.chat().completions().create(params.logitBias(bias.build()).build());
        assertNotEquals(tokens.getFirst().token(), biased.choices().getFirst().logprobs().orElseThrow().content()
                .orElseThrow().getFirst().token(), "a bias of -100 bans the token");
        assertEquals(MODEL, openAi.models().retrieve(MODEL).id());
    }

    private static ResponseCreateParams.Builder responseCall() {
        return ResponseCreateParams.builder().model(MODEL).input(ASK).addTool(FunctionTool.builder().name("get_weather")
                .parameters(FunctionTool.Parameters.builder().putAllAdditionalProperties(
                        AgentRequests.openAi(WEATHER_SCHEMA)).build()).strict(true).build())
                .toolChoice(ToolChoiceOptions.REQUIRED).parallelToolCalls(false).maxOutputTokens(300L).temperature(0.0);
    }

    @Test
    void theResponsesApiAnswersAsChatCompletionsDoesAndKeepsItsResponses() {
        Response text = openAi.responses().create(ResponseCreateParams.builder().model(MODEL).instructions("Tell a story")
                .input("Once upon a time").maxOutputTokens(12L).temperature(0.0).build());
        String said = text.output().getFirst().asMessage().content().getFirst().asOutputText().text();
        ChatCompletion chat = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addSystemMessage("Tell a story").addUserMessage("Once upon a time").maxCompletionTokens(12)
                .temperature(0.0).build());
        assertEquals(chat.choices().getFirst().message().content().orElseThrow(), said);

        Response next = openAi.responses().create(ResponseCreateParams.builder().model(MODEL).input("And then?")
                .previousResponseId(text.id()).maxOutputTokens(4L).temperature(0.0).build());
        // The earlier input and answer come first (its instructions do not carry over, as OpenAI's do not).
        ChatCompletion same = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addUserMessage("Once upon a time").addAssistantMessage(said).addUserMessage("And then?")
                .maxCompletionTokens(4).temperature(0.0).build());
        assertEquals(same.usage().orElseThrow().promptTokens(), next.usage().orElseThrow().inputTokens());
        assertEquals(same.choices().getFirst().message().content().orElseThrow(), next.output().getFirst().asMessage()
                .content().getFirst().asOutputText().text());
        assertEquals(text.id(), next.previousResponseId().orElseThrow());
        assertEquals(said, openAi.responses().retrieve(text.id()).output().getFirst().asMessage().content().getFirst()
                .asOutputText().text());

        Response call = openAi.responses().create(responseCall().build());
        ResponseFunctionToolCall fc = call.output().stream().filter(ResponseOutputItem::isFunctionCall).findFirst()
                .orElseThrow().asFunctionCall();
        assertEquals("get_weather", fc.name());
        assertFits(WEATHER_SCHEMA, fc.arguments());

        List<String> types = new ArrayList<>();
        StringBuilder arguments = new StringBuilder();
        Response[] completed = new Response[1];
        try (var stream = openAi.responses().createStreaming(responseCall().build())) {
            for (ResponseStreamEvent e : (Iterable<ResponseStreamEvent>) stream.stream()::iterator) {
                e.functionCallArgumentsDelta().ifPresent(d -> arguments.append(d.delta()));
                e.completed().ifPresent(done -> completed[0] = done.response());
                types.add(AgentRequests.JSON.valueToTree(e._json().orElseThrow().convert(Object.class)).get("type").asText());
            }
        }
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added"),
                types.subList(0, 3));
        assertTrue(types.contains("response.function_call_arguments.done") && types.contains("response.output_item.done"));
        assertEquals("response.completed", types.getLast());
        assertEquals(fc.arguments(), arguments.toString());
        assertEquals(fc.arguments(), completed[0].output().getFirst().asFunctionCall().arguments());

        Response json = openAi.responses().create(ResponseCreateParams.builder().model(MODEL).input("Who are you?")
                .text(ResponseTextConfig.builder().format(ResponseFormatTextJsonSchemaConfig.builder().name("person")
                        .schema(ResponseFormatTextJsonSchemaConfig.Schema.builder().putAllAdditionalProperties(
                                AgentRequests.openAi(PERSON_SCHEMA)).build()).build()).build())
                .maxOutputTokens(200L).temperature(0.0).build());
        assertFits(PERSON_SCHEMA, json.output().getFirst().asMessage().content().getFirst().asOutputText().text());
    }

    /** Anthropic's client no longer sets temperature itself; the API still takes it. */
    static final Map<String, com.anthropic.core.JsonValue> GREEDY = Map.of("temperature",
            com.anthropic.core.JsonValue.from(0));

    private static MessageCreateParams.Builder anthropicAsk() {
        return MessageCreateParams.builder().model(MODEL).maxTokens(16).additionalBodyProperties(GREEDY).system("Tell a story")
                .addUserMessage("Once upon a time");
    }

    @Test
    void theMessagesApiAnswersWholeAndStreamedAsChatCompletionsDoes() {
        Message m = anthropic.messages().create(anthropicAsk().build());
        String text = m.content().getFirst().asText().text();
        assertEquals(StopReason.MAX_TOKENS, m.stopReason().orElseThrow());
        assertEquals(16, m.usage().outputTokens());
        ChatCompletion chat = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(MODEL)
                .addSystemMessage("Tell a story").addUserMessage("Once upon a time").maxCompletionTokens(16)
                .temperature(0.0).build());
        assertEquals(chat.choices().getFirst().message().content().orElseThrow(), text);

        StringBuilder streamed = new StringBuilder();
        List<String> kinds = new ArrayList<>();
        try (var stream = anthropic.messages().createStreaming(anthropicAsk().build())) {
            for (RawMessageStreamEvent e : (Iterable<RawMessageStreamEvent>) stream.stream()::iterator) {
                e.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> streamed.append(t.text()));
                e.messageDelta().ifPresent(d -> kinds.add("delta:" + d.delta().stopReason().orElseThrow().asString()));
                kinds.add(e.isMessageStart() ? "start" : e.isContentBlockStart() ? "block" : e.isMessageStop() ? "stop"
                        : "");
            }
        }
        assertEquals(text, streamed.toString());
        assertEquals("start", kinds.getFirst());
        assertTrue(kinds.contains("block") && kinds.contains("delta:max_tokens"));
        assertEquals("stop", kinds.getLast());
        assertEquals(m.usage().inputTokens(), anthropic.messages().countTokens(MessageCountTokensParams.builder()
                .model(MODEL).system("Tell a story").addUserMessage("Once upon a time").build()).inputTokens());
        AnthropicClient wrongKey = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port).apiKey("no")
                .build();
        assertThrows(UnauthorizedException.class, () -> wrongKey.messages().create(anthropicAsk().build()));
    }

    private static MessageCreateParams.Builder forcedToolUse() {
        return MessageCreateParams.builder().model(MODEL).maxTokens(300).additionalBodyProperties(GREEDY).addUserMessage(ASK)
                .addTool(Tool.builder().name("get_weather").description("The weather in a city")
                        .inputSchema(Tool.InputSchema.builder().putAllAdditionalProperties(
                                AgentRequests.anthropic(WEATHER_SCHEMA)).removeAdditionalProperty("type").build()).build())
                .toolChoice(ToolChoiceTool.builder().name("get_weather").disableParallelToolUse(true).build());
    }

    @Test
    void aForcedToolUseIsAValidCallWholeAndStreamed() throws Exception {
        Message m = anthropic.messages().create(forcedToolUse().build());
        assertEquals(StopReason.TOOL_USE, m.stopReason().orElseThrow());
        ContentBlock block = m.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow();
        assertEquals("get_weather", block.asToolUse().name());
        String input = AgentRequests.text(block.asToolUse()._input());
        assertFits(WEATHER_SCHEMA, input);

        StringBuilder json = new StringBuilder();
        String[] name = new String[1];
        try (var stream = anthropic.messages().createStreaming(forcedToolUse().build())) {
            for (RawMessageStreamEvent e : (Iterable<RawMessageStreamEvent>) stream.stream()::iterator) {
                e.contentBlockStart().flatMap(s -> s.contentBlock().toolUse()).ifPresent(t -> name[0] = t.name());
                e.contentBlockDelta().flatMap(d -> d.delta().inputJson()).ifPresent(d -> json.append(d.partialJson()));
            }
        }
        assertEquals("get_weather", name[0]);
        assertEquals(AgentRequests.tree(input), AgentRequests.tree(json.toString()));

        // Errors in Anthropic's shape: max_tokens is required, images are refused clearly.
        var missing = AgentRequests.post(port, KEY, "/v1/messages", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        assertEquals(400, missing.statusCode());
        JsonNode error = AgentRequests.tree(missing.body());
        assertEquals("error", error.get("type").asText());
        assertEquals("invalid_request_error", error.get("error").get("type").asText());
        var image = AgentRequests.post(port, KEY, "/v1/messages", """
                {"max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "image", "source":
                 {"type": "base64", "media_type": "image/png", "data": "AA=="}}]}]}""");
        assertEquals(400, image.statusCode());
        assertTrue(image.body().contains("image blocks are not supported"), image.body());
    }

    @Test
    void ollamaChatCallsToolsAndFollowsAFormat() throws Exception {
        JsonNode called = AgentRequests.postOk(port, KEY, "/api/chat", """
                {"model": "stories260K", "stream": false, "messages": [{"role": "user", "content": "%s"}],
                 "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": %s}}],
                 "options": {"temperature": 0, "num_predict": 300}}""".formatted(ASK, WEATHER_SCHEMA));
        JsonNode call = called.get("message").get("tool_calls").get(0).get("function");
        assertEquals("get_weather", call.get("name").asText());
        assertTrue(call.get("arguments").isObject(), "Ollama gives the arguments as an object: " + called);
        assertFits(WEATHER_SCHEMA, call.get("arguments").toString());

        JsonNode formatted = AgentRequests.postOk(port, KEY, "/api/chat", """
                {"model": "stories260K", "stream": false, "messages": [{"role": "user", "content": "Who are you?"}],
                 "format": %s, "options": {"temperature": 0, "num_predict": 200}}""".formatted(PERSON_SCHEMA));
        assertFits(PERSON_SCHEMA, formatted.get("message").get("content").asText());
        assertFalse(formatted.get("message").has("tool_calls"));
    }
}
