package exo.tokenizer.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.tokenizer.chat.jinja.Template;
import exo.tokenizer.chat.jinja.TemplateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Jinja language as chat templates use it, case by case against jinja2: conformance.json
 * (written by conformance.py beside it, jinja2 3.1.6 in transformers' environment) holds small
 * templates over one set of variables with jinja2's output, or the exception jinja2 raised,
 * which exo must raise with the same type and message.
 */
class JinjaConformanceTest {
    private static final JsonNode ROOT = read();

    private static JsonNode read() {
        try (InputStream in = JinjaConformanceTest.class.getResourceAsStream("jinja/conformance.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> variables() {
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) JsonValues.of(ROOT.get("context"));
        LocalDateTime now = LocalDateTime.parse(ROOT.get("now").asText());
        Map<String, Object> vars = new HashMap<>(context);
        vars.putAll(ChatTemplate.functions(() -> now));
        return vars;
    }

    @TestFactory
    Stream<DynamicTest> rendersAsJinja2() {
        JsonNode cases = ROOT.get("cases");
        return IntStream.range(0, cases.size()).mapToObj(i -> DynamicTest.dynamicTest(
                i + ": " + cases.get(i).get("template").asText().replace("\n", "\\n"), () -> check(cases.get(i))));
    }

    private static void check(JsonNode c) {
        String source = c.get("template").asText();
        String output;
        try {
            output = Template.parse(source).render(variables());
        } catch (TemplateException e) {
            JsonNode expected = c.get("error");
            if (expected == null) {
                fail("jinja2 renders " + c.get("output") + " but exo failed: " + e.kind() + ": " + e.getMessage());
            }
            assertEquals(expected.get("type").asText() + ": " + expected.get("message").asText(),
                    e.kind() + ": " + e.getMessage());
            return;
        }
        if (c.has("error")) {
            fail("jinja2 raised " + c.get("error") + " but exo rendered " + output);
        }
        assertEquals(c.get("output").asText(), output);
    }

    @Test
    void theCorpusCoversRefusalsToo() {
        List<String> types = new ArrayList<>();
        ROOT.get("cases").forEach(c -> {
            if (c.has("error")) {
                types.add(c.get("error").get("type").asText());
            }
        });
        assertTrue(ROOT.get("cases").size() > 250, "cases: " + ROOT.get("cases").size());
        for (String type : List.of("UndefinedError", "SecurityError", "TypeError", "TemplateSyntaxError",
                "TemplateAssertionError", "TemplateRuntimeError", "TemplateError", "ValueError")) {
            assertTrue(types.contains(type), type);
        }
    }
}
