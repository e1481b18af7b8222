package exo.tokenizer.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * A directory of real chat templates ({@code NAME.jinja}) with jinja2's renderings of them:
 * {@code expected/cases.json} holds the conversations ({@code cases}: messages, tools,
 * add_generation_prompt, and template variables), each template's BOS/EOS texts
 * ({@code specials}), jinja2's verdict per template and conversation ({@code results}: "ok" or
 * "error: MESSAGE") and the date strftime_now answered; {@code expected/NAME.CASE.txt} is
 * jinja2's output where it rendered.
 */
record ReferenceSet(Path dir, JsonNode root) {
    static ReferenceSet read(Path dir) {
        try {
            return new ReferenceSet(dir, new ObjectMapper().readTree(dir.resolve("expected/cases.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One template and conversation. */
    record Case(ReferenceSet set, String template, String conversation) {
        JsonNode json() {
            return set.root.get("cases").get(conversation);
        }

        ChatTemplate chatTemplate() throws IOException {
            JsonNode specials = set.root.get("specials").get(template);
            return ChatTemplate.of(Files.readString(set.dir.resolve(template + ".jinja"), StandardCharsets.UTF_8),
                            specials.get("bos_token").asText(), specials.get("eos_token").asText())
                    .withToday(LocalDate.parse(set.root.get("date_for_strftime_now").asText()));
        }

        ChatTemplateInput input() {
            JsonNode c = json();
            return ChatTemplateInput.fromJson(c.get("messages"), c.get("tools"), c.get("add_generation_prompt")
                    .asBoolean(), c.get("variables"));
        }

        /** jinja2's output, or null where it refused. */
        String expected() throws IOException {
            return refusal() != null ? null : Files.readString(set.dir.resolve("expected/" + template + "."
                    + conversation + ".txt"), StandardCharsets.UTF_8);
        }

        /** jinja2's error message where it refused, else null. */
        String refusal() {
            String verdict = set.root.get("results").get(template).get(conversation).asText();
            return verdict.equals("ok") ? null : verdict.substring("error: ".length());
        }

        @Override
        public String toString() {
            return template + " " + conversation;
        }
    }

    /**
     * One dynamic test per template and conversation of the set at {@code dir}; where the set is
     * not there, one test that is skipped saying so (an aborted factory would show no test at all).
     */
    static Stream<DynamicTest> tests(Path dir, Consumer<Case> check) {
        Path cases = dir.resolve("expected/cases.json");
        if (!Files.isRegularFile(cases)) {
            return Stream.of(DynamicTest.dynamicTest("reference set " + dir, () -> {
                System.err.println("SKIPPED: " + cases + " is not here");
                Assumptions.abort(cases + " is not here");
            }));
        }
        return read(dir).cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check.accept(c)));
    }

    List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (Iterator<String> templates = root.get("specials").fieldNames(); templates.hasNext(); ) {
            String template = templates.next();
            for (Iterator<String> conversations = root.get("cases").fieldNames(); conversations.hasNext(); ) {
                out.add(new Case(this, template, conversations.next()));
            }
        }
        return out;
    }
}
