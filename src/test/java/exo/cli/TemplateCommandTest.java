package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import exo.download.ExoProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exo template: every reference rendering byte for byte as a process, and its refusals. */
class TemplateCommandTest {
    @TempDir
    Path tmp;

    @Test
    void everyReferenceRenderingByteForByteAsAProcess() throws Exception {
        Path templates = TestModels.require("chat-templates/expected/cases.json").getParent().getParent();
        JsonNode root = new ObjectMapper().readTree(templates.resolve("expected/cases.json").toFile());
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (Iterator<String> models = root.get("specials").fieldNames(); models.hasNext(); ) {
            String model = models.next();
            JsonNode specials = root.get("specials").get(model);
            for (Iterator<String> cases = root.get("cases").fieldNames(); cases.hasNext(); ) {
                String name = cases.next();
                JsonNode c = root.get("cases").get(name);
                Path messages = tmp.resolve(model + "." + name + ".json");
                Files.writeString(messages, c.get("messages").toString());
                List<String> args = new ArrayList<>(List.of("template", "--chat-template-file",
                        templates.resolve(model + ".jinja").toString(), "--messages", messages.toString(),
                        "--bos-token", specials.get("bos_token").asText(), "--eos-token",
                        specials.get("eos_token").asText()));
                if (!c.get("add_generation_prompt").asBoolean()) {
                    args.add("--no-generation-prompt");
                }
                ExoProcess.Result r = ExoProcess.run(tmp, Map.of(), args.toArray(String[]::new));
                assertEquals(0, r.exitCode(), r.err());
                String expected = Files.readString(templates.resolve("expected/" + model + "." + name + ".txt"),
                        StandardCharsets.UTF_8);
                compared++;
                if (!expected.equals(r.out())) {
                    mismatches.add(model + " " + name + ":\n" + r.out());
                }
            }
        }
        assertEquals(20, compared);
        assertEquals(List.of(), mismatches);
    }

    @Test
    void aModelsOwnTemplateAndTheRefusals() throws Exception {
        Path chat = tmp.resolve("chat.json");
        Files.writeString(chat, "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": "
                + "\"Once upon\"}, {\"type\": \"text\", \"text\": \" a time\"}]}]}");
        CliRun ok = CliRun.of("template", "--model-file", TestModels.stories260K().toString(), "--messages",
                chat.toString());
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().contains("Once upon a time"), ok.out());

        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "[{\"role\": \"user\", \"content\": ");
        refused(CliRun.of("template", "--model-file", TestModels.stories260K().toString(), "--messages", bad.toString()),
                "the messages are not JSON");
        Files.writeString(bad, "{\"role\": \"user\"}");
        refused(CliRun.of("template", "--model-file", TestModels.stories260K().toString(), "--messages", bad.toString()),
                "messages must be a JSON list");
        Files.writeString(bad, "[{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]");
        refused(CliRun.of("template", "--model-file", TestModels.stories260K().toString(), "--messages", bad.toString()),
                "only text parts");
        refused(CliRun.of("template", "--messages", chat.toString()), "name a model");
        refused(CliRun.of("template", "--chat-template-file", tmp.resolve("none.jinja").toString(), "--messages",
                chat.toString()), "no such file");
        Path raising = tmp.resolve("raise.jinja");
        Files.writeString(raising, "{{ raise_exception('Conversation roles must alternate') }}");
        refused(CliRun.of("template", "--chat-template-file", raising.toString(), "--messages", chat.toString()),
                "chat template refused the conversation: Conversation roles must alternate");
    }

    private static void refused(CliRun r, String fragment) {
        assertEquals(2, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
    }
}
