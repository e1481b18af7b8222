package exo.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.engine.FinishReason;
import exo.engine.GenerationStats;
import exo.engine.Generator;
import exo.tokenizer.chat.ChatMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConversationTest {
    static Stories stories;

    @BeforeAll
    static void open() throws IOException {
        stories = Stories.open(0);
    }

    @AfterAll
    static void close() {
        if (stories != null) {
            stories.close();
        }
    }

    static final Generator.Listener IGNORE = (id, text) -> {
    };

    static String answer(Conversation c, String text, int maxTokens) {
        StringBuilder streamed = new StringBuilder();
        c.answer(text, maxTokens, (id, piece) -> streamed.append(piece), () -> false);
        String kept = c.messages().getLast().content();
        assertEquals(streamed.toString(), kept, "the conversation keeps the answer as streamed");
        return kept;
    }

    @Test
    void greedyTurnsAreDeterministicAndJoinTheConversation() {
        Conversation a = stories.conversation();
        String first = answer(a, "Hello", 20);
        String second = answer(a, "Tell me more", 20);
        assertFalse(first.isBlank());
        assertFalse(second.isBlank());
        assertEquals(List.of(ChatMessage.user("Hello"), ChatMessage.assistant(first),
                ChatMessage.user("Tell me more"), ChatMessage.assistant(second)), a.messages());

        Conversation b = stories.conversation();
        assertEquals(first, answer(b, "Hello", 20));
        assertEquals(second, answer(b, "Tell me more", 20));
        assertEquals(a.tokens(), b.tokens());
    }

    @Test
    void theSecondTurnContinuesFromTheFirst() {
        Conversation c = stories.conversation();
        answer(c, "Hello", 20);
        int held = c.tokens();
        GenerationStats stats = c.answer("Tell me more", 5, IGNORE, () -> false);
        assertTrue(stats.promptTokens() < c.tokens() - 5, "only the new part is computed: " + stats.summary());
        assertTrue(c.tokens() > held);
    }

    @Test
    void resetForgetsAllButTheSystemMessage() {
        Conversation c = stories.conversation(stories.generator(), "You tell stories.");
        String first = answer(c, "Hello", 20);
        answer(c, "Again", 10);
        assertTrue(c.lastStats().isPresent());

        c.reset();
        assertEquals(List.of(ChatMessage.system("You tell stories.")), c.messages());
        assertEquals(0, c.tokens());
        assertTrue(c.lastStats().isEmpty());
        assertEquals(first, answer(c, "Hello", 20), "after /reset the first answer comes again");
    }

    @Test
    void aCancelledAnswerKeepsWhatWasWrittenAndTheNextTurnSeesIt() {
        Generator generator = stories.generator();
        Conversation c = stories.conversation(generator, null);
        List<String> pieces = new ArrayList<>();
        GenerationStats stats = c.answer("Hello", 500, (id, piece) -> pieces.add(piece), () -> pieces.size() >= 4);
        assertEquals(FinishReason.CANCELLED, stats.finishReason());
        String partial = String.join("", pieces);
        assertFalse(partial.isBlank());
        assertEquals(ChatMessage.assistant(partial), c.messages().getLast());

        c.answer("Go on", 3, IGNORE, () -> false);
        assertEquals(List.of(ChatMessage.user("Hello"), ChatMessage.assistant(partial), ChatMessage.user("Go on")),
                c.messages().subList(0, 3));
        String rendered = stories.tokenizer.decode(generator.history(), true);
        assertTrue(rendered.contains("[INST] Hello [/INST] " + partial.strip() + " </s><s> [INST] Go on [/INST]"),
                "the template got the partial answer: " + rendered);
    }

    @Test
    void aTurnThatDoesNotFitTheContextLeavesTheConversationAsItWas() throws IOException {
        try (Stories small = Stories.open(32)) {
            Conversation c = small.conversation();
            String first = answer(c, "Hi", 4);
            List<ChatMessage> before = c.messages();
            exo.engine.PromptTooLongException e = assertThrows(exo.engine.PromptTooLongException.class,
                    () -> c.answer("a long message ".repeat(10), 4, IGNORE, () -> false));
            assertTrue(e.getMessage().contains("context holds 32"), e.getMessage());
            assertEquals(before, c.messages());
            assertEquals(first, c.messages().getLast().content());
        }
    }

    /** As Ollama does: the oldest turns go (the system message stays), and the chat goes on. */
    @Test
    void aConversationThatOutgrowsTheContextDropsItsOldestTurns() throws IOException {
        try (Stories small = Stories.open(160)) {
            Conversation c = small.conversation(small.generator(), "Be brief.");
            int dropped = 0;
            for (int turn = 0; turn < 12; turn++) {
                answer(c, "Tell me about the dog number " + turn, 16);
                dropped += c.droppedMessages();
                assertEquals("system", c.messages().getFirst().role(), "the system message stays");
                assertEquals("Tell me about the dog number " + turn, c.messages().get(c.messages().size() - 2).content());
                assertEquals("user", c.messages().get(1).role(), "what is left opens with a question");
                assertTrue(c.tokens() <= 160, c.tokens() + " tokens");
            }
            assertTrue(dropped > 0, "twelve turns of about 30 tokens outgrow 160");
        }
    }
}
