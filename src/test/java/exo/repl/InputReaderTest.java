package exo.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;

class InputReaderTest {
    /** Everything {@code piped} gives, read as a script would pipe it, until the end. */
    static List<Input> readAll(String piped) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB,
                new ByteArrayInputStream(piped.getBytes(StandardCharsets.UTF_8)), out, StandardCharsets.UTF_8)) {
            InputReader reader = new InputReader(InputReader.lineReader(terminal, new ChatHistory(), null, ""), "", "");
            List<Input> inputs = new ArrayList<>();
            Input in;
            do {
                in = reader.read();
                inputs.add(in);
            } while (!(in instanceof Input.End));
            return inputs;
        }
    }

    static Input.Text text(String s) {
        return new Input.Text(s);
    }

    @Test
    void eachLineIsAMessage() throws IOException {
        assertEquals(List.of(text("Hello!"), text("  two  "), text(""), new Input.End()),
                readAll("Hello!\n  two  \n\n"));
    }

    @Test
    void aTrailingBackslashContinuesTheMessage() throws IOException {
        assertEquals(List.of(text("one\ntwo\nthree"), text("four"), new Input.End()),
                readAll("one\\\ntwo\\\nthree\nfour\n"));
    }

    @Test
    void tripleQuotesMakeABlock() throws IOException {
        assertEquals(List.of(text("first\n\n  indented \\\nlast"), text("after"), new Input.End()),
                readAll("\"\"\"\nfirst\n\n  indented \\\nlast\n\"\"\"\nafter\n"));
    }

    @Test
    void blockDelimitersMayShareALineWithText() throws IOException {
        assertEquals(List.of(text("a\nb"), text("one line"), text(""), new Input.End()),
                readAll("\"\"\"a\nb\"\"\"\n\"\"\"one line\"\"\"\n\"\"\"\"\"\"\n"));
    }

    @Test
    void theEndOfInputSendsUnfinishedInputAndALastLineWithoutNewline() throws IOException {
        assertEquals(List.of(text("open\nblock"), new Input.End()), readAll("\"\"\"open\nblock\n"));
        assertEquals(List.of(text("cont"), new Input.End()), readAll("cont\\\n"));
        assertEquals(List.of(text("a"), text("no newline"), new Input.End()), readAll("a\nno newline"));
    }

    /** A line reader that replays {@code script}: a String is a line, a Supplier of an exception is thrown. */
    static LineReader scripted(Object... script) {
        Deque<Object> steps = new ArrayDeque<>(List.of(script));
        return (LineReader) Proxy.newProxyInstance(LineReader.class.getClassLoader(), new Class<?>[] {LineReader.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("readLine")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Object step = steps.isEmpty() ? (Supplier<RuntimeException>) EndOfFileException::new : steps.pop();
                    if (step instanceof Supplier<?> thrown) {
                        throw (RuntimeException) thrown.get();
                    }
                    return step;
                });
    }

    @Test
    void ctrlCSaysWhetherItDiscardedTypedText() {
        Supplier<RuntimeException> ctrlCOnEmptyLine = () -> new UserInterruptException("");
        Supplier<RuntimeException> ctrlCOnText = () -> new UserInterruptException("half a quest");
        InputReader reader = new InputReader(scripted(ctrlCOnEmptyLine, ctrlCOnText, "\"\"\"", "inside", ctrlCOnEmptyLine,
                "a\\", ctrlCOnEmptyLine, "after"), ">>> ", "... ");
        assertEquals(new Input.Interrupted(false), reader.read());
        assertEquals(new Input.Interrupted(true), reader.read());
        assertEquals(new Input.Interrupted(true), reader.read(), "Ctrl-C in a block drops the block");
        assertEquals(new Input.Interrupted(true), reader.read(), "Ctrl-C on a continuation line drops the message");
        assertEquals(text("after"), reader.read());
        assertEquals(new Input.End(), reader.read());
    }

    @Test
    void aTerminalShowsThePromptAndTheContinuationPrompt() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB,
                new ByteArrayInputStream("a\\\nb\n".getBytes(StandardCharsets.UTF_8)), out, StandardCharsets.UTF_8)) {
            InputReader reader = new InputReader(InputReader.lineReader(terminal, new ChatHistory(), null, ""), ">>> ", "... ");
            assertEquals(text("a\nb"), reader.read());
            terminal.flush();
        }
        assertEquals(">>> ... ", out.toString(StandardCharsets.UTF_8));
    }
}
