package exo.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import exo.TestModels;
import exo.download.ExoProcess;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real `exo serve` process on stories260K, through OpenAI's official Java client and raw HTTP:
 * answers equal `exo run --temperature 0`, usage counts, errors in OpenAI's shape.
 */
class ServeTest {
    private static final String KEY = "test-key";
    private static final String PROMPT = "Once upon a time";

    @TempDir
    static Path tmp;
    private static ExoProcess server;
    private static int port;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        server = ExoProcess.start(tmp, Map.of(), "serve", "--model-file", TestModels.stories260K().toString(),
                "--discovery", "static", "--http-port", "0", "--api-key", KEY, "--threads", "1");
        port = Integer.parseInt(server.awaitStderr(Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)"), 60).group(1));
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(KEY).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** What `exo run --temperature 0` prints for the prompt (its trailing newline is its own). */
    private static String run(String... extra) throws Exception {
        String[] args = new String[] {"run", "--discovery", "static", "--model-file", TestModels.stories260K().toString(), "--prompt", PROMPT,
            "--temperature", "0", "-n", "20", "--threads", "1"};
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        ExoProcess.Result r = ExoProcess.run(tmp, Map.of(), all);
        assertEquals(0, r.exitCode(), r.err());
        return r.out().substring(0, r.out().length() - 1);
    }

    @Test
    void chatCompletionsWholeAndStreamedEqualExoRunChat() throws Exception {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("stories260K")
                .addUserMessage(PROMPT).maxCompletionTokens(20).temperature(0.0).build();
        ChatCompletion whole = client.chat().completions().create(params);
        String text = whole.choices().getFirst().message().content().orElseThrow();
        assertEquals(run("--chat"), text);
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, whole.choices().getFirst().finishReason());
        var usage = whole.usage().orElseThrow();
        assertEquals(20, usage.completionTokens());
        assertTrue(usage.promptTokens() > 5, "the chat template wraps the prompt: " + usage.promptTokens());
        assertEquals(usage.promptTokens() + 20, usage.totalTokens());

        StringBuilder streamed = new StringBuilder();
        String finish = null;
        try (var stream = client.chat().completions().createStreaming(params)) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                for (ChatCompletionChunk.Choice c : chunk.choices()) {
                    c.delta().content().ifPresent(streamed::append);
                    if (c.finishReason().isPresent()) {
                        finish = c.finishReason().get().asString();
                    }
                }
            }
        }
        assertEquals(text, streamed.toString());
        assertEquals("length", finish);
    }

    @Test
    void completionsEqualExoRunAndModelsListTheModel() throws Exception {
        Completion c = client.completions().create(CompletionCreateParams.builder().model("stories260K").prompt(PROMPT)
                .maxTokens(20).temperature(0.0).build());
        assertEquals(run(), c.choices().getFirst().text());
        assertEquals(5 + 20, c.usage().orElseThrow().totalTokens(), "BOS and 4 prompt tokens, 20 generated");
        assertEquals(java.util.List.of("stories260K"),
                client.models().list().data().stream().map(m -> m.id()).toList());
    }

    @Test
    void aStopStringEndsTheAnswerAndIsNotShown() throws Exception {
        String full = run();
        String stop = " little";
        Completion c = client.completions().create(CompletionCreateParams.builder().model("stories260K").prompt(PROMPT)
                .maxTokens(20).temperature(0.0).stop(stop).build());
        assertEquals(full.substring(0, full.indexOf(stop)), c.choices().getFirst().text());
        assertEquals(Completion.class, c.getClass());
        assertEquals("stop", c.choices().getFirst().finishReason().asString());
    }

    @Test
    void theClientSeesOpenAisErrors() {
        assertThrows(NotFoundException.class, () -> client.chat().completions().create(ChatCompletionCreateParams
                .builder().model("gpt-4o").addUserMessage("hi").build()));
        OpenAIClient noKey = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey("wrong").build();
        assertThrows(UnauthorizedException.class, () -> noKey.models().list());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode error(HttpResponse<String> r, int status) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode e = new ObjectMapper().readTree(r.body()).get("error");
        assertTrue(e.get("message").isTextual() && e.has("type") && e.has("param") && e.has("code"), r.body());
        return e;
    }

    @Test
    void whatClientsRarelySendIsRefusedInOpenAisShape() throws Exception {
        error(post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", "), 400);
        assertEquals("temperature", error(post("/v1/chat/completions",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"temperature\": \"hot\"}"), 400)
                .get("param").asText());
        assertEquals("n", error(post("/v1/chat/completions",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"n\": 2}"), 400).get("param").asText());
        assertEquals("messages", error(post("/v1/chat/completions", "{\"messages\": 5}"), 400).get("param").asText());
        assertEquals("max_tokens", error(post("/v1/completions", "{\"prompt\": \"x\", \"max_tokens\": -3}"), 400)
                .get("param").asText());
        assertEquals("model_not_found", error(post("/v1/completions", "{\"prompt\": \"x\", \"model\": \"other\"}"),
                404).get("code").asText());
        error(post("/v1/completions", "{\"prompt\": \"" + "x".repeat(9 << 20) + "\"}"), 413);
        error(post("/v1/nowhere", "{}"), 404);
        // a prompt longer than the context: refused before anything streams
        assertEquals("context_length_exceeded", error(post("/v1/completions", "{\"prompt\": \""
                + "Once upon a time ".repeat(700) + "\", \"stream\": true}"), 400).get("code").asText());
        // max_tokens far past the context ends with the context, as "length"
        HttpResponse<String> huge = post("/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 1000000000, "
                + "\"temperature\": 0}");
        assertEquals(200, huge.statusCode(), huge.body());
        JsonNode choice = new ObjectMapper().readTree(huge.body()).get("choices").get(0);
        assertTrue(choice.get("finish_reason").asText().matches("stop|length"), huge.body());
        assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "health needs no key");
    }

    /** A client that goes away mid-stream: its generation stops (logged as 499) and the server goes on. */
    @Test
    void aClientThatDisconnectsMidStreamCancelsItsGeneration() throws Exception {
        var conn = (java.net.HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v1/completions").toURL()
                .openConnection();
        conn.setRequestMethod("POST");
        conn.setDoOutput(true);
        conn.setRequestProperty("Authorization", "Bearer " + KEY);
        conn.getOutputStream().write(("{\"prompt\": \"Once\", \"max_tokens\": 100000, \"stream\": true, "
                + "\"temperature\": 0.8}").getBytes(StandardCharsets.UTF_8));
        try (InputStream in = conn.getInputStream()) {
            String first = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            assertTrue(first.startsWith("data: {"), first);
        }
        conn.disconnect();
        server.awaitStderr(Pattern.compile("POST /v1/completions 499"), 30);
        assertFalse(server.stderr().contains("POST /v1/completions 500"), server.stderr());
        assertEquals(200, post("/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 3}").statusCode());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Ollama's endpoints, in the shapes its API documentation gives. */
    @Test
    void ollamasApi() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertTrue(json.readTree(get("/api/version").body()).get("version").isTextual());
        JsonNode tag = json.readTree(get("/api/tags").body()).get("models").get(0);
        assertEquals("stories260K:latest", tag.get("name").asText());
        assertEquals("gguf", tag.get("details").get("format").asText());
        assertEquals("llama", tag.get("details").get("family").asText());
        assertEquals(1185376, tag.get("size").asLong());
        // `ollama ps`: the loaded model, all of it in this machine's memory (no GPU here), never expiring.
        JsonNode running = json.readTree(get("/api/ps").body()).get("models");
        assertEquals(1, running.size(), running.toString());
        assertEquals("stories260K:latest", running.get(0).get("model").asText());
        assertEquals(1185376, running.get(0).get("size").asLong());
        assertEquals(0, running.get(0).get("size_vram").asLong());
        assertTrue(running.get(0).get("context_length").asInt() > 0, running.toString());
        assertTrue(java.time.OffsetDateTime.parse(running.get(0).get("expires_at").asText()).getYear() > 2100);
        assertTrue(OllamaApi.onGpu("ggml/CUDA0") && OllamaApi.onGpu("llama.cpp/Metal"));
        assertFalse(OllamaApi.onGpu("ggml/CPU") || OllamaApi.onGpu("java") || OllamaApi.onGpu(""));
        JsonNode show = json.readTree(post("/api/show", "{\"model\": \"stories260K\"}").body());
        assertEquals("292.8K", show.get("details").get("parameter_size").asText());
        assertEquals("completion", show.get("capabilities").get(0).asText());

        HttpResponse<String> generate = post("/api/generate", "{\"model\": \"stories260K\", \"prompt\": \"" + PROMPT
                + "\", \"raw\": true, \"stream\": false, \"options\": {\"temperature\": 0, \"num_predict\": 20}}");
        assertEquals(200, generate.statusCode(), generate.body());
        JsonNode g = json.readTree(generate.body());
        assertEquals(run(), g.get("response").asText());
        assertTrue(g.get("done").asBoolean());
        assertEquals("length", g.get("done_reason").asText());
        assertEquals(20, g.get("eval_count").asInt());
        assertEquals(5, g.get("prompt_eval_count").asInt());

        // streamed by default, one JSON object per line, the last with done and the counts
        HttpResponse<String> chat = post("/api/chat", "{\"model\": \"stories260K:latest\", \"messages\": [{\"role\": "
                + "\"user\", \"content\": \"" + PROMPT + "\"}], \"options\": {\"temperature\": 0, \"num_predict\": 20}}");
        assertEquals(200, chat.statusCode(), chat.body());
        assertEquals("application/x-ndjson", chat.headers().firstValue("Content-Type").orElse(""));
        StringBuilder text = new StringBuilder();
        JsonNode last = null;
        for (String line : chat.body().strip().split("\n")) {
            last = json.readTree(line);
            text.append(last.get("message").get("content").asText());
        }
        assertTrue(last.get("done").asBoolean(), chat.body());
        assertEquals(20, last.get("eval_count").asInt());
        assertEquals(run("--chat"), text.toString());

        HttpResponse<String> unknown = post("/api/chat", "{\"model\": \"llama3\", \"messages\": []}");
        assertEquals(404, unknown.statusCode());
        assertTrue(json.readTree(unknown.body()).get("error").asText().contains("llama3"), unknown.body());

        JsonNode template = json.readTree(post("/apply-template", "{\"messages\": [{\"role\": \"user\", "
                + "\"content\": \"Hi\"}]}").body());
        assertTrue(template.get("prompt").asText().contains("Hi"), template.toString());
    }
}
