package exo.grammar;

/** A grammar or schema that cannot be used, with a one-line reason (and position, for text). */
public final class GrammarException extends RuntimeException {
    public GrammarException(String message) {
        super(message);
    }
}
