package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /** Every reference template's two tool conversations through the command (--tools), as jinja2 renders them. */
    @Test
    void toolConversationsOfEveryReferenceTemplate() throws Exception {
        Path templates = TestModels.require("chat-templates-all/expected/cases.json").getParent().getParent();
        JsonNode root = new ObjectMapper().readTree(templates.resolve("expected/cases.json").toFile());
        List<String> mismatches = new ArrayList<>();
        int rendered = 0;
        int refused = 0;
        for (Iterator<String> models = root.get("specials").fieldNames(); models.hasNext(); ) {
            String model = models.next();
            JsonNode specials = root.get("specials").get(model);
            for (String name : List.of("tools", "tool-result")) {
                JsonNode c = root.get("cases").get(name);
                Path messages = tmp.resolve(name + ".json");
                Path tools = tmp.resolve(name + ".tools.json");
                Files.writeString(messages, c.get("messages").toString());
                Files.writeString(tools, c.get("tools").toString());
                CliRun r = CliRun.of("template", "--chat-template-file", templates.resolve(model + ".jinja").toString(),
                        "--messages", messages.toString(), "--tools", tools.toString(), "--today",
                        root.get("date_for_strftime_now").asText(), "--bos-token",
                        specials.get("bos_token").asText(), "--eos-token", specials.get("eos_token").asText());
                String verdict = root.get("results").get(model).get(name).asText();
                if (verdict.equals("ok")) {
                    rendered++;
                    String expected = Files.readString(templates.resolve("expected/" + model + "." + name + ".txt"),
                            StandardCharsets.UTF_8);
                    if (r.exitCode() != 0 || !expected.equals(r.out())) {
                        mismatches.add(model + " " + name + ": " + r.err() + r.out());
                    }
                } else {
                    refused++;
                    if (r.exitCode() != 2 || !r.err().strip().endsWith(verdict.substring("error: ".length()))) {
                        mismatches.add(model + " " + name + " should be refused (" + verdict + "): " + r.err());
                    }
                }
            }
        }
        assertEquals(List.of(), mismatches);
        assertEquals(41 * 2, rendered + refused);
        assertTrue(refused > 0 && rendered > 70, rendered + " rendered, " + refused + " refused");
    }

    /** A request body carries tools and chat_template_kwargs itself; a real process renders it. */
    @Test
    void aRequestBodyWithToolsAndTemplateKwargsAsAProcess() throws Exception {
        Path dir = Path.of(getClass().getResource("/exo/tokenizer/chat/templates/expected/cases.json").toURI())
                .getParent().getParent();
        JsonNode root = new ObjectMapper().readTree(dir.resolve("expected/cases.json").toFile());
        JsonNode toolCase = root.get("cases").get("two-tool-calls");
        ObjectNode body = new ObjectMapper().createObjectNode();
        body.set("messages", toolCase.get("messages"));
        body.set("tools", toolCase.get("tools"));
        Path request = tmp.resolve("request.json");
        Files.writeString(request, body.toString());
        ExoProcess.Result r = ExoProcess.run(tmp, Map.of(), "template", "--chat-template-file",
                dir.resolve("agent-chatml.jinja").toString(), "--messages", request.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(Files.readString(dir.resolve("expected/agent-chatml.two-tool-calls.txt"), StandardCharsets.UTF_8)
                .replace("Sunday, 26 July 2026", today("EEEE, d MMMM yyyy")), r.out(), "today's date, not a pinned one");

        JsonNode thinking = root.get("cases").get("thinking-off");
        Path chat = tmp.resolve("chat.json");
        Files.writeString(chat, thinking.get("messages").toString());
        CliRun off = CliRun.of("template", "--chat-template-file", dir.resolve("agent-chatml.jinja").toString(),
                "--messages", chat.toString(), "--chat-template-kwargs", "{\"enable_thinking\": false}");
        assertEquals(0, off.exitCode(), off.err());
        assertEquals(Files.readString(dir.resolve("expected/agent-chatml.thinking-off.txt"), StandardCharsets.UTF_8),
                off.out());

        Path tools = tmp.resolve("tools.json");
        Files.writeString(tools, "{\"type\": \"function\"}");
        refused(CliRun.of("template", "--chat-template-file", dir.resolve("agent-chatml.jinja").toString(), "--messages",
                chat.toString(), "--tools", tools.toString()), "tools must be a JSON list");
        refused(CliRun.of("template", "--chat-template-file", dir.resolve("agent-chatml.jinja").toString(), "--messages",
                chat.toString(), "--tools", tmp.resolve("none.json").toString()), "no such file");
        refused(CliRun.of("template", "--chat-template-file", dir.resolve("agent-chatml.jinja").toString(), "--messages",
                chat.toString(), "--chat-template-kwargs", "[1]"), "must be a JSON object");
        refused(CliRun.of("template", "--chat-template-file", dir.resolve("agent-chatml.jinja").toString(), "--messages",
                chat.toString(), "--chat-template-kwargs", "{\"messages\": 1}"), "cannot set messages");
        Files.writeString(chat, "[{\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"function\": {}}]}]");
        refused(CliRun.of("template", "--chat-template-file", dir.resolve("agent-chatml.jinja").toString(), "--messages",
                chat.toString()), "messages[0].tool_calls[0] needs a function with a \"name\"");
    }

    private static String today(String pattern) {
        return java.time.LocalDate.now().format(java.time.format.DateTimeFormatter.ofPattern(pattern,
                java.util.Locale.ENGLISH));
    }

    private static void refused(CliRun r, String fragment) {
        assertEquals(2, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
    }
}
