package exo.repl;

/** What one read at the prompt gave. */
sealed interface Input {
    /** A whole message or command, multi-line input already joined with newlines. */
    record Text(String text) implements Input {
    }

    /** Ctrl-C at the prompt; {@code discarded} when it threw away typed text rather than an empty line. */
    record Interrupted(boolean discarded) implements Input {
    }

    /** Ctrl-D on an empty line, or the end of piped input. */
    record End() implements Input {
    }
}
