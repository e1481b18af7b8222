package exo.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import exo.download.ExoProcess;
import exo.download.FakeHub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `exo serve` started without a model, against a stand-in for Hugging Face: the model a request
 * names is fetched and loaded on first use, /v1/models says which is loaded, unknown ones are 404.
 */
class LazyServeTest {
    @TempDir
    Path tmp;

    @Test
    void theModelARequestNamesIsFetchedAndLoadedOnFirstUse() throws Exception {
        try (FakeHub hub = FakeHub.start()) {
            hub.add("test/stories", "stories260K.gguf", TestModels.stories260K());
            Path models = tmp.resolve("models.yaml");
            Files.writeString(models, TestModels.storiesRegistry("stories", "stories260K", "test/stories",
                    "stories260K.gguf"));
            Map<String, String> env = Map.of("HF_ENDPOINT", hub.endpoint().toString(), "HF_HOME",
                    tmp.resolve("hf").toString(), "EXO_HOME", tmp.resolve("exo").toString(), "EXO_MODELS_FILE",
                    models.toString());
            try (ExoProcess server = ExoProcess.start(tmp, env, "serve", "--discovery", "static", "--http-port", "0",
                    "--threads", "1")) {
                int port = Integer.parseInt(server.awaitStderr(Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)"), 60)
                        .group(1));
                assertTrue(server.stderr().contains("serving the model each request names"), server.stderr());
                JsonNode listed = get(port, "/v1/models");
                assertEquals("stories", listed.get("data").get(0).get("id").asText());
                assertFalse(listed.get("data").get(0).get("loaded").asBoolean());

                HttpResponse<String> none = post(port, "{\"prompt\": \"Once\", \"max_tokens\": 3}");
                assertEquals(400, none.statusCode(), "a request must name a model before one is loaded");
                HttpResponse<String> unknown = post(port, "{\"model\": \"llama-9\", \"prompt\": \"x\"}");
                assertEquals(404, unknown.statusCode(), unknown.body());

                HttpResponse<String> first = post(port, "{\"model\": \"stories\", \"prompt\": \"Once upon a time\", "
                        + "\"max_tokens\": 20, \"temperature\": 0}");
                assertEquals(200, first.statusCode(), first.body());
                assertTrue(server.stderr().contains("fetching layers 0-4 of stories"), server.stderr());
                ExoProcess.Result run = ExoProcess.run(tmp, Map.of(), "run", "--discovery", "static", "--model-file",
                        TestModels.stories260K().toString(), "--prompt", "Once upon a time", "--temperature", "0",
                        "-n", "20");
                assertEquals(run.out().strip(), new ObjectMapper().readTree(first.body()).get("choices").get(0)
                        .get("text").asText().strip());
                assertTrue(get(port, "/v1/models").get("data").get(0).get("loaded").asBoolean());
                // Loaded, it also answers a request that names none, and the hub is not asked again.
                long sent = hub.bytesSent();
                assertEquals(200, post(port, "{\"prompt\": \"Once\", \"max_tokens\": 3}").statusCode());
                assertEquals(sent, hub.bytesSent());
            }
        }
    }

    private static JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }

    private static HttpResponse<String> post(int port, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/completions")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
