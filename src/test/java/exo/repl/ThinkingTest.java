package exo.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.engine.sampling.Sampler;
import exo.engine.sampling.SamplingParams;
import exo.tokenizer.chat.ChatTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reasoning in `exo chat`, with greedy stories260K speaking through QwQ's real template (from
 * ../shared), which reads enable_thinking: /think on makes the prompt open the think tags, so
 * what the model writes is reasoning, shown dimmed on a terminal and not at all on a pipe, and
 * kept out of the conversation; /think off lets the template close them, so all is answer.
 */
class ThinkingTest {
    static Stories stories;
    static ChatTemplate qwq;

    @BeforeAll
    static void open() throws IOException {
        stories = Stories.open(0);
        String source = Files.readString(TestModels.require("chat-templates-all/Qwen-QwQ-32B.jinja"));
        qwq = ChatTemplate.of(source, stories.template.bosToken(), stories.template.eosToken());
    }

    @AfterAll
    static void close() {
        if (stories != null) {
            stories.close();
        }
    }

    private static Conversation qwqConversation() {
        return new Conversation(stories.generator(), stories.tokenizer, qwq, new Sampler(SamplingParams.GREEDY),
                stories.engine.contextLength(), null);
    }

    @Test
    void reasoningIsToldApartAndLeftOutOfTheConversation() {
        Conversation c = qwqConversation();
        assertTrue(c.readsThinking());
        assertNull(c.thinking());
        assertTrue(c.thinking(true));
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        c.answer("Hello", 20, new AnswerListener() {
            @Override
            public void content(String text) {
                content.append(text);
            }

            @Override
            public void reasoning(String text) {
                reasoning.append(text);
            }
        }, () -> false);
        // stories260K never closes the tag the prompt opened: all of its answer is reasoning
        assertFalse(reasoning.toString().isBlank());
        assertEquals("", content.toString());
        assertEquals("assistant", c.messages().getLast().role());
        assertEquals("", c.messages().getLast().content(), "the reasoning does not stay in the conversation");

        assertTrue(c.thinking(false));
        String answer = ConversationTest.answer(c, "Tell me more", 20);
        assertFalse(answer.isBlank(), "the template closed the tags: the answer is content");

        Conversation plain = stories.conversation();
        assertFalse(plain.readsThinking());
        assertFalse(plain.thinking(true), "the built-in template has no enable_thinking");
        assertNull(plain.thinking());
    }

    @Test
    void theReplShowsReasoningDimmedOnATerminalAndNotOnAPipe() throws IOException {
        ChatReplTest.Run terminal = ChatReplTest.run(qwqConversation(), "/think on\nHello\n",
                new ChatRepl.Options(true, null, 20, false));
        assertEquals("Thinking on.\n", terminal.err());
        assertTrue(terminal.out().contains(AnswerPrinter.DIM) && terminal.out().contains(AnswerPrinter.RESET),
                terminal.out());
        Conversation reference = qwqConversation();
        reference.thinking(true);
        StringBuilder reasoning = new StringBuilder();
        reference.answer("Hello", 20, new AnswerListener() {
            @Override
            public void content(String text) {
            }

            @Override
            public void reasoning(String text) {
                reasoning.append(text);
            }
        }, () -> false);
        assertTrue(terminal.out().contains(AnswerPrinter.DIM + reasoning.toString().strip() + AnswerPrinter.RESET),
                terminal.out());

        ChatReplTest.Run piped = ChatReplTest.run(qwqConversation(), "/think on\nHello\n/think\n/think maybe\n",
                ChatReplTest.PIPED);
        assertEquals(List.of(""), piped.lines(), "a pipe gets the answer alone, and this one is all reasoning");
        assertEquals("Thinking on.\nThinking is on; /think on or /think off changes it.\nUse /think on or /think off.\n",
                piped.err());

        ChatReplTest.Run unread = ChatReplTest.run(stories.conversation(), "/think on\n", ChatReplTest.PIPED);
        assertEquals("This model's chat template does not read enable_thinking: /think changes nothing for it.\n",
                unread.err());
    }
}
