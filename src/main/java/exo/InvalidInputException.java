package exo;

import java.util.Optional;

/**
 * What a person gave exo is wrong: an option's value, a model file, a prompt, a conversation, a
 * request's field. The message says what is wrong in the domain's words ("the temperature must be
 * 0 or more, not -1"); {@link #field()} names the value in snake_case ("temperature", "top_k"),
 * so that the command line can name its flag ({@code --top-k}) and an HTTP API its parameter.
 *
 * <p>Commands exit 2 on it and the HTTP APIs answer 400. Anything else thrown from inside exo, a
 * plain {@link IllegalArgumentException} or {@link IllegalStateException} above all, is a fault
 * in exo (exit 4, HTTP 500), never the user's.
 */
public class InvalidInputException extends RuntimeException {
    private final String field;

    public InvalidInputException(String message) {
        this(null, message);
    }

    /** @param field the value at fault in snake_case, or null when no one value is */
    public InvalidInputException(String field, String message) {
        super(message);
        this.field = field;
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
        this.field = null;
    }

    /** The value at fault ("temperature"), when one is. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
