package exo.repl;

import exo.engine.Generator;
import java.io.PrintWriter;

/**
 * Shows an answer as it streams: each piece is flushed at once, and the whitespace a model
 * writes before its first word (SentencePiece's leading space) is not shown.
 */
final class AnswerPrinter implements Generator.Listener {
    private final PrintWriter out;
    private boolean started;

    AnswerPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void onToken(int id, String text) {
        String shown = started ? text : text.stripLeading();
        if (shown.isEmpty()) {
            return;
        }
        started = true;
        out.print(shown);
        out.flush();
    }

    /** Whether anything was shown. */
    boolean started() {
        return started;
    }
}
