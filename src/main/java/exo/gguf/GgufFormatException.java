package exo.gguf;

import exo.InvalidInputException;

/** The bytes are not a GGUF file this reader can use; the message is one line for the user. */
public final class GgufFormatException extends InvalidInputException {
    public GgufFormatException(String message) {
        super(message);
    }
}
