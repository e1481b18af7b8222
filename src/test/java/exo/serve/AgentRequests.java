package exo.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.grammar.SchemaValidator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the agent API tests share: the weather tool's schema, checking that arguments fit it,
 * the schema in each client's value types, and raw requests for what no client covers.
 */
public final class AgentRequests {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String WEATHER_SCHEMA = """
            {"type": "object", "properties": {"city": {"type": "string", "maxLength": 20},
             "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
             "required": ["city", "unit"], "additionalProperties": false}""";
    public static final String PERSON_SCHEMA = """
            {"type": "object", "properties": {"name": {"type": "string", "maxLength": 12},
             "age": {"type": "integer", "minimum": 0, "maximum": 150}},
             "required": ["name", "age"], "additionalProperties": false}""";

    private AgentRequests() {
    }

    public static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Fails unless {@code json} is JSON that fits {@code schema}; returns it parsed. */
    public static JsonNode assertFits(String schema, String json) {
        JsonNode value = tree(json);
        assertNull(new SchemaValidator(tree(schema)).check(value), json);
        return value;
    }

    /** A schema's top-level members as OpenAI's client values. */
    public static Map<String, com.openai.core.JsonValue> openAi(String schema) {
        Map<String, com.openai.core.JsonValue> out = new LinkedHashMap<>();
        tree(schema).properties().forEach(e -> out.put(e.getKey(), com.openai.core.JsonValue.from(
                JSON.convertValue(e.getValue(), Object.class))));
        return out;
    }

    /** A schema's top-level members as Anthropic's client values. */
    public static Map<String, com.anthropic.core.JsonValue> anthropic(String schema) {
        Map<String, com.anthropic.core.JsonValue> out = new LinkedHashMap<>();
        tree(schema).properties().forEach(e -> out.put(e.getKey(), com.anthropic.core.JsonValue.from(
                JSON.convertValue(e.getValue(), Object.class))));
        return out;
    }

    /** Anthropic's client value as JSON text. */
    public static String text(com.anthropic.core.JsonValue value) {
        return JSON.valueToTree(value.convert(Object.class)).toString();
    }

    public static HttpResponse<String> post(int port, String key, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A raw POST whose answer must be 200; its JSON body. */
    public static JsonNode postOk(int port, String key, String path, String body) throws Exception {
        HttpResponse<String> r = post(port, key, path, body);
        assertEquals(200, r.statusCode(), r.body());
        return tree(r.body());
    }
}
