package exo.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.engine.FinishReason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REPL driven as a script drives it: lines piped into a dumb terminal, greedy stories260K. */
class ChatReplTest {
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

    record Run(String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static final ChatRepl.Options PIPED = new ChatRepl.Options(false, null, 20, false);

    static Run run(Conversation conversation, String input, ChatRepl.Options options) throws IOException {
        return run(conversation, input, options, new ByteArrayOutputStream(), new AtomicReference<>());
    }

    static Run run(Conversation conversation, String input, ChatRepl.Options options, ByteArrayOutputStream out,
                   AtomicReference<Terminal> terminalSeen) throws IOException {
        StringWriter err = new StringWriter();
        try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, StandardCharsets.UTF_8)) {
            terminalSeen.set(terminal);
            new ChatRepl(terminal, conversation, options, new PrintWriter(err, true),
                    ClusterView.alone("stories260K", 5)).run();
            terminal.flush();
        }
        return new Run(out.toString(StandardCharsets.UTF_8), err.toString());
    }

    /** What the same turns answer when asked of a conversation directly, as the REPL shows them. */
    static List<String> expected(String... messages) {
        Conversation c = stories.conversation();
        return java.util.Arrays.stream(messages)
                .map(m -> ConversationTest.answer(c, m, 20).stripLeading())
                .toList();
    }

    @Test
    void twoGreedyTurnsPrintOneAnswerLineEach() throws IOException {
        Run run = run(stories.conversation(), "Hello\nTell me more\n", PIPED);
        assertEquals(expected("Hello", "Tell me more"), run.lines());
        assertEquals("", run.err());
        assertEquals(run, run(stories.conversation(), "Hello\nTell me more\n", PIPED), "greedy is repeatable");
    }

    @Test
    void multiLineInputIsOneTurn() throws IOException {
        Run run = run(stories.conversation(), "\"\"\"\nOnce upon\na time\n\"\"\"\nTell me \\\nmore\n", PIPED);
        assertEquals(expected("Once upon\na time", "Tell me \nmore"), run.lines());
    }

    @Test
    void resetForgetsTheConversation() throws IOException {
        Conversation c = stories.conversation();
        Run run = run(c, "Hello\nTell me more\n/reset\nTell me more\n", PIPED);
        List<String> lines = run.lines();
        assertEquals(expected("Hello", "Tell me more"), lines.subList(0, 2));
        assertEquals(expected("Tell me more"), lines.subList(2, 3), "the third answer knows nothing of the first two");
        assertEquals("Started a new conversation.\n", run.err());
        assertEquals(2, c.messages().size());
    }

    @Test
    void statsShowTheLastAnswerAndTheContext() throws IOException {
        Conversation c = stories.conversation();
        Run run = run(c, "/stats\nHello\n/stats\n", PIPED);
        List<String> lines = run.lines();
        assertEquals("no answer yet", lines.get(0));
        assertEquals("conversation: 0 of " + c.contextLength() + " tokens of context", lines.get(1));
        assertEquals("last answer: " + c.lastStats().orElseThrow().summary(), lines.get(3));
        assertTrue(lines.get(3).matches("last answer: prompt \\d+ tokens, prefill .* tok/s, generated 20 tokens, "
                + "decode .* tok/s \\(length\\)"), lines.get(3));
        assertEquals("conversation: " + c.tokens() + " of " + c.contextLength() + " tokens of context", lines.get(4));
    }

    @Test
    void exitAndByeEndTheLoopAndLeaveTheRestUnread() throws IOException {
        Run run = run(stories.conversation(), "Hello\n/exit\nNever answered\n", PIPED);
        assertEquals(expected("Hello"), run.lines());
        assertEquals(List.of(), run(stories.conversation(), "/bye\nNever answered\n", PIPED).lines());
    }

    @Test
    void anUnknownCommandGivesAOneLineHint() throws IOException {
        Run run = run(stories.conversation(), "/x y\n", PIPED);
        assertEquals("", run.out());
        assertEquals("Unknown command '/x'. Type /help for the commands.\n", run.err());
    }

    @Test
    void helpListsTheCommands() throws IOException {
        Run run = run(stories.conversation(), "/help\n", PIPED);
        assertEquals(SlashCommand.help(), run.out());
    }

    @Test
    void theEndOfInputEndsCleanly() throws IOException {
        assertEquals(new Run("", ""), run(stories.conversation(), "", PIPED));
        assertEquals(new Run("", ""), run(stories.conversation(), "\n\n   \n", PIPED), "blank lines are no turns");
    }

    @Test
    void verbosePrintsTheStatsAfterEveryAnswer() throws IOException {
        Run run = run(stories.conversation(), "Hello\nAgain\n", new ChatRepl.Options(false, null, 5, true));
        List<String> err = run.err().lines().toList();
        assertEquals(2, err.size(), run.err());
        assertTrue(err.getFirst().startsWith("prompt ") && err.getFirst().endsWith("(length)"), err.getFirst());
    }

    @Test
    void ctrlCWhileAnAnswerStreamsStopsOnlyThatAnswer() throws IOException {
        AtomicReference<Terminal> terminal = new AtomicReference<>();
        // Ctrl-C as the terminal delivers it (SIGINT -> INT), the moment the first answer starts.
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            private boolean raised;

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                super.write(b, off, len);
                if (!raised) {
                    raised = true;
                    terminal.get().raise(Terminal.Signal.INT);
                }
            }
        };
        Conversation c = stories.conversation();
        Run run = run(c, "Hello\n/stats\nHello\n", new ChatRepl.Options(false, null, 200, false), out, terminal);
        String partial = c.messages().get(1).content();
        assertFalse(partial.isBlank());
        assertEquals(partial.stripLeading(), run.lines().get(0));
        assertTrue(run.lines().get(1).endsWith("(cancelled)"), run.lines().get(1));
        assertEquals(List.of("exo: answer stopped (Ctrl-C); the conversation keeps it as far as it went"),
                run.err().lines().toList(), "one line says what Ctrl-C did");
        assertEquals(FinishReason.LENGTH, c.lastStats().orElseThrow().finishReason(), "the next answer runs on");
        assertTrue(c.messages().get(3).content().length() > partial.length());
    }

    @Test
    void aMessageTooLongForTheContextIsDroppedAndTheChatGoesOn() throws IOException {
        try (Stories small = Stories.open(32)) {
            Conversation c = small.conversation();
            Run run = run(c, "a long message ".repeat(10) + "\nHi\n", new ChatRepl.Options(false, null, 4, false));
            assertEquals(1, run.lines().size(), run.out());
            assertTrue(run.err().startsWith("exo: the prompt needs "), run.err());
            assertTrue(run.err().endsWith("(/reset starts a new conversation)\n"), run.err());
            assertEquals(1, run.err().lines().count());
            assertEquals("Hi", c.messages().getFirst().content());
        }
    }

    @Test
    void atATerminalItPromptsAndKeepsWholeMessagesInTheHistoryFile(@TempDir Path home) throws IOException {
        Path history = home.resolve("chat_history");
        Run run = run(stories.conversation(), "Hello\n\"\"\"\ntwo\nlines\n\"\"\"\n/stats\n",
                new ChatRepl.Options(true, history, 5, false));
        assertTrue(run.out().startsWith(">>> "), run.out());
        assertTrue(run.out().contains(">>> ... ... ... "), "continuation prompts in the block: " + run.out());
        assertTrue(run.out().contains("\n\n>>> "), "a blank line after each answer: " + run.out());
        List<String> saved = Files.readAllLines(history);
        assertEquals(3, saved.size(), saved.toString());
        assertTrue(saved.get(0).endsWith("Hello"), saved.toString());
        assertTrue(saved.get(1).endsWith("two\\nlines"), "one entry for the block: " + saved);
        assertTrue(saved.get(2).endsWith("/stats"), saved.toString());
    }

    /** At a terminal, echo is off while an answer streams (typed keys wait for the prompt) and on again after. */
    @Test
    void keysTypedDuringAnAnswerDoNotEchoIntoIt(@TempDir Path home) throws IOException {
        var echoFlag = org.jline.terminal.Attributes.LocalFlag.ECHO;
        var canonical = org.jline.terminal.Attributes.LocalFlag.ICANON;
        List<String> set = new java.util.ArrayList<>();
        try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB,
                new ByteArrayInputStream("Hello\n".getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(),
                StandardCharsets.UTF_8) {
            @Override
            public void setAttributes(org.jline.terminal.Attributes attr) {
                set.add((attr.getLocalFlag(echoFlag) ? "echo" : "quiet")
                        + (attr.getLocalFlag(canonical) ? " lines" : " raw"));
                super.setAttributes(attr);
            }
        }) {
            var start = terminal.getAttributes();
            start.setLocalFlag(echoFlag, true);
            start.setLocalFlag(canonical, true);
            terminal.setAttributes(start);
            set.clear();
            new ChatRepl(terminal, stories.conversation(), new ChatRepl.Options(true, home.resolve("h"), 5, false),
                    new PrintWriter(new StringWriter(), true), ClusterView.alone("stories260K", 5)).run();
            // The line reader goes raw to read a line; the answer keeps lines but drops the echo, then
            // puts the terminal back as it was.
            int answer = set.indexOf("quiet lines");
            assertTrue(answer >= 0, "echo switched off for the answer: " + set);
            assertEquals("echo lines", set.get(answer + 1), "and back after it: " + set);
        }
    }
}
