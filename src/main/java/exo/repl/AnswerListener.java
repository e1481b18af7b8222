package exo.repl;

/**
 * Where an answer goes as it streams, read in the model family's syntax: the text for the
 * person, and the reasoning the model writes between its think tags (a terminal shows it
 * dimmed; it does not stay in the conversation).
 */
public interface AnswerListener {
    void content(String text);

    default void reasoning(String text) {
    }
}
