package exo.tokenizer.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The 41 real templates of ../shared/models/chat-templates-all render all seven conversations
 * (two with tools) byte for byte as jinja2 3.1.6 in transformers' environment rendered them,
 * and where jinja2 refused, exo refuses with jinja2's message.
 */
class AllReferenceTemplatesTest {
    static ReferenceSet shared() {
        return ReferenceSet.read(TestModels.require("chat-templates-all/expected/cases.json").getParent().getParent());
    }

    @TestFactory
    Stream<DynamicTest> rendersAsJinja2() {
        return ReferenceSet.tests(TestModels.dir().resolve("chat-templates-all"), AllReferenceTemplatesTest::check);
    }

    @Test
    void everyTemplateAndConversationIsThere() {
        List<ReferenceSet.Case> cases = shared().cases();
        assertEquals(41 * 7, cases.size());
        assertEquals(9, cases.stream().filter(c -> c.refusal() != null).count());
    }

    /** The comparison every reference set's test makes. */
    static void check(ReferenceSet.Case c) {
        ChatTemplate template;
        try {
            template = c.chatTemplate();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String refusal = c.refusal();
        if (refusal != null) {
            ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> template.render(c.input()));
            assertTrue(e.getMessage().endsWith(": " + refusal), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
            return;
        }
        String expected;
        try {
            expected = c.expected();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertNotNull(expected);
        assertEquals(expected, template.render(c.input()));
    }
}
