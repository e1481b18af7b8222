package exo.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * A status line written to stderr while an answer streams to stdout, both on one terminal (here
 * one sink that records what the terminal would show, in order).
 */
class AnswerLineTest {
    private final StringWriter terminal = new StringWriter();
    private final PrintWriter out = new PrintWriter(terminal, true);
    private final AnswerLine line = new AnswerLine();
    private final PrintWriter err = line.guarding(new PrintWriter(terminal, true));
    private final AnswerPrinter printer = new AnswerPrinter(out, true, line);

    @Test
    void aStatusLineMidAnswerStartsOnALineOfItsOwnAndTheAnswerGoesOnBelowIt() {
        printer.content(" Once upon");
        err.println("exo: node studio was lost mid-answer; continuing on mbp + this machine");
        printer.content(" a time");
        assertEquals("Once upon\nexo: node studio was lost mid-answer; continuing on mbp + this machine\n a time",
                terminal.toString());
    }

    @Test
    void aStatusLineAfterAFinishedLineAddsNoBlankLine() {
        printer.content("The end.\n");
        err.println("exo: ring: a -> this machine");
        line.ended();
        err.println("exo: found 1 node: a");
        assertEquals("The end.\nexo: ring: a -> this machine\nexo: found 1 node: a\n", terminal.toString());
    }

    @Test
    void aStatusWrittenInPiecesIsBrokenBeforeItsFirstPieceOnly() {
        printer.content("Half");
        err.print("exo: ");
        err.print("replayed 12 tokens");
        err.println(" in 0.1 s");
        assertEquals("Half\nexo: replayed 12 tokens in 0.1 s\n", terminal.toString());
    }
}
