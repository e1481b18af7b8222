package exo.repl;

import java.io.PrintWriter;

/**
 * Shows an answer as it streams: each piece is flushed at once, and the whitespace a model
 * writes before its first word (SentencePiece's leading space) is not shown. Reasoning is shown
 * dimmed before the answer on a terminal, and not at all otherwise, so that piped output holds
 * only answers.
 */
final class AnswerPrinter implements AnswerListener {
    static final String DIM = "\u001b[2m";
    static final String RESET = "\u001b[0m";

    private final PrintWriter out;
    private final boolean showReasoning;
    private final AnswerLine line;
    private boolean started;
    private boolean thought;
    private boolean dimmed;

    /**
     * @param showReasoning a terminal: show the reasoning, dimmed
     * @param line          what the terminal's status lines need to know of the answer
     */
    AnswerPrinter(PrintWriter out, boolean showReasoning, AnswerLine line) {
        this.out = out;
        this.showReasoning = showReasoning;
        this.line = line;
    }

    @Override
    public void content(String text) {
        String shown = started ? text : text.stripLeading();
        if (shown.isEmpty()) {
            return;
        }
        if (dimmed) {
            out.print(RESET + "\n\n");
            dimmed = false;
        }
        started = true;
        line.print(out, shown);
    }

    @Override
    public void reasoning(String text) {
        String shown = thought ? text : text.stripLeading();
        if (!showReasoning || shown.isEmpty() || started) {
            return;
        }
        if (!dimmed) {
            out.print(DIM);
            dimmed = true;
        }
        thought = true;
        line.print(out, shown);
    }

    /** The answer ended: the terminal's colours are back to normal. */
    void finish() {
        if (dimmed) {
            out.print(RESET);
            out.flush();
            dimmed = false;
        }
    }

    /** Whether anything was shown. */
    boolean started() {
        return started || thought;
    }
}
