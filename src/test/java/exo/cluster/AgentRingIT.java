package exo.cluster;

import static exo.serve.AgentRequests.PERSON_SCHEMA;
import static exo.serve.AgentRequests.WEATHER_SCHEMA;
import static exo.serve.AgentRequests.assertFits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAny;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import exo.TestModels;
import exo.download.ExoProcess;
import exo.serve.AgentRequests;
import exo.serve.ToolFamilyModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tool calls, structured output and reasoning through a 2-node ring: `exo serve` is the tail
 * (it samples, so it applies the grammar and reads the family's syntax) and a node on loopback
 * computes layers, for stories260K and for a random-weight model of the Hermes family. Through
 * OpenAI's and Anthropic's clients a forced call is a valid call, streamed as it is whole, and a
 * json_schema answer fits; each equals what one machine alone answers (greedy, the same bits).
 */
class AgentRingIT {
    @TempDir
    Path home;

    @Test
    void forcedCallsAndSchemasHoldThroughARingAsOnOneMachine() throws Exception {
        Path models = home.resolve("models");
        Path family = ToolFamilyModel.write(models);
        Path stories = Files.createSymbolicLink(models.resolve("stories260K.gguf"), TestModels.stories260K());
        try (NodeProcess node = NodeProcess.start("node-a", "8GB", home.resolve("node-a"), List.of(), models, Map.of(),
                "ggml")) {
            for (Path model : List.of(stories, family)) {
                String id = model.getFileName().toString().replace(".gguf", "");
                List<String> alone = answers(model, id, null);
                List<String> ring = answers(model, id, node.address());
                assertEquals(alone, ring, id + ": the ring answers as one machine does");
            }
        } finally {
            Files.delete(stories); // the link only: JUnit would warn about a link out of its folder
        }
    }

    /** What a server on {@code model} answers (alone, or as the tail of a ring through {@code peer}): checked, and returned to compare. */
    private List<String> answers(Path model, String id, String peer) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--model-file", model.toString(), "--discovery", "static",
                "--http-port", "0", "--threads", "1", "--host", "127.0.0.1"));
        if (peer != null) {
            args.addAll(List.of("--peers", peer, "--memory", "2GB"));
        }
        String name = (peer == null ? "alone-" : "ring-") + id;
        try (ExoProcess serve = ExoProcess.start(home, Map.of("EXO_HOME", home.resolve(name).toString()),
                args.toArray(String[]::new))) {
            int port = Integer.parseInt(serve.awaitStderr(Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)"), 60).group(1));
            if (peer != null) {
                assertTrue(serve.stderr().contains("exo: node-a: ready"), serve.stderr());
                JsonNode ring = AgentRequests.tree(java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/exo/ring"))
                                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                assertTrue(ring.get("nodes").toString().contains("node-a"), ring.toString());
            }
            OpenAIClient openAi = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("-")
                    .build();
            AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port).apiKey("-")
                    .build();
            List<String> out = new ArrayList<>();

            ChatCompletionCreateParams call = ChatCompletionCreateParams.builder().model(id)
                    .addUserMessage("What is the weather in Paris?")
                    .addFunctionTool(FunctionDefinition.builder().name("get_weather").parameters(FunctionParameters
                            .builder().putAllAdditionalProperties(AgentRequests.openAi(WEATHER_SCHEMA)).build()).build())
                    .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).parallelToolCalls(false)
                    .maxCompletionTokens(400).temperature(0.0).build();
            ChatCompletion whole = openAi.chat().completions().create(call);
            assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, whole.choices().getFirst().finishReason());
            String arguments = whole.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction()
                    .function().arguments();
            assertFits(WEATHER_SCHEMA, arguments);
            StringBuilder streamed = new StringBuilder();
            try (var stream = openAi.chat().completions().createStreaming(call)) {
                for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                    chunk.choices().forEach(c -> c.delta().toolCalls().orElse(List.of()).forEach(d ->
                            d.function().flatMap(f -> f.arguments()).ifPresent(streamed::append)));
                }
            }
            assertEquals(arguments, streamed.toString());
            out.add(arguments);

            ChatCompletion json = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model(id)
                    .addUserMessage("Who are you?").responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(
                            ResponseFormatJsonSchema.JsonSchema.builder().name("person").schema(
                                    ResponseFormatJsonSchema.JsonSchema.Schema.builder().putAllAdditionalProperties(
                                            AgentRequests.openAi(PERSON_SCHEMA)).build()).build()).build())
                    .maxCompletionTokens(300).temperature(0.0).build());
            String person = json.choices().getFirst().message().content().orElseThrow();
            assertFits(PERSON_SCHEMA, person);
            out.add(person);

            Message m = anthropic.messages().create(MessageCreateParams.builder().model(id).maxTokens(400)
                    .additionalBodyProperties(Map.of("temperature", com.anthropic.core.JsonValue.from(0)))
                    .addUserMessage("What is the weather in Paris?")
                    .addTool(Tool.builder().name("get_weather").inputSchema(Tool.InputSchema.builder()
                            .putAllAdditionalProperties(AgentRequests.anthropic(WEATHER_SCHEMA))
                            .removeAdditionalProperty("type").build()).build())
                    .toolChoice(ToolChoiceAny.builder().disableParallelToolUse(true).build()).build());
            assertEquals(StopReason.TOOL_USE, m.stopReason().orElseThrow());
            String input = AgentRequests.text(m.content().stream().filter(ContentBlock::isToolUse).findFirst()
                    .orElseThrow().asToolUse()._input());
            assertFits(WEATHER_SCHEMA, input);
            out.add(input);
            return out;
        }
    }
}
