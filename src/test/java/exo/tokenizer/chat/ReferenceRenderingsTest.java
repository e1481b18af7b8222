package exo.tokenizer.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real chat templates of ../shared/models/chat-templates render byte for byte as Hugging
 * Face's renderer (jinja2 with trim_blocks, lstrip_blocks) rendered them into expected/.
 */
class ReferenceRenderingsTest {
    static Path templates() {
        return TestModels.require("chat-templates/expected/cases.json").getParent().getParent();
    }

    static Stream<Arguments> cases() throws IOException {
        JsonNode root = new ObjectMapper().readTree(templates().resolve("expected/cases.json").toFile());
        List<Arguments> out = new ArrayList<>();
        for (Iterator<String> models = root.get("specials").fieldNames(); models.hasNext(); ) {
            String model = models.next();
            for (Iterator<String> cases = root.get("cases").fieldNames(); cases.hasNext(); ) {
                out.add(Arguments.of(model, cases.next()));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void rendersAsJinja2(String model, String caseName) throws IOException {
        JsonNode root = new ObjectMapper().readTree(templates().resolve("expected/cases.json").toFile());
        JsonNode specials = root.get("specials").get(model);
        JsonNode c = root.get("cases").get(caseName);
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : c.get("messages")) {
            messages.add(new ChatMessage(m.get("role").asText(), m.get("content").asText()));
        }
        ChatTemplate template = ChatTemplate.of(Files.readString(templates().resolve(model + ".jinja")),
                specials.get("bos_token").asText(), specials.get("eos_token").asText())
                .withToday(LocalDate.parse(root.get("date_for_strftime_now").asText()));
        String expected = Files.readString(templates().resolve("expected/" + model + "." + caseName + ".txt"),
                StandardCharsets.UTF_8);
        assertEquals(expected, template.render(messages, c.get("add_generation_prompt").asBoolean()));
    }
}
