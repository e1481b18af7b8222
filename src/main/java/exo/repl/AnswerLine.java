package exo.repl;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * Whether the answer streaming to the terminal stopped mid-line, so that a status line written
 * meanwhile (on stderr, to the same terminal: a node lost, a ring re-planned) starts on a line of
 * its own instead of inside the answer, and the answer goes on below it. The break is written to
 * stderr, where the status goes: the answer's own text is never changed.
 */
public final class AnswerLine {
    private boolean open;

    /** Prints a piece of the answer, noting whether it left its line open. */
    synchronized void print(PrintWriter out, String text) {
        out.print(text);
        out.flush();
        if (!text.isEmpty()) {
            open = text.charAt(text.length() - 1) != '\n';
        }
    }

    /** The answer ended its line (or ended). */
    synchronized void ended() {
        open = false;
    }

    /** {@code err}, each of whose lines starts on a line of its own while an answer is mid-line. */
    public PrintWriter guarding(PrintWriter err) {
        return new PrintWriter(new Writer() {
            private boolean atLineStart = true;

            @Override
            public void write(char[] chars, int offset, int length) {
                synchronized (AnswerLine.this) {
                    if (length > 0 && atLineStart && open) {
                        err.write('\n');
                        open = false;
                    }
                    err.write(chars, offset, length);
                    if (length > 0) {
                        atLineStart = chars[offset + length - 1] == '\n';
                    }
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {
                err.close();
            }
        }, true);
    }
}
