package exo.gguf;

/** The bytes are not a GGUF file this reader can use; the message is one line for the user. */
public final class GgufFormatException extends RuntimeException {
    public GgufFormatException(String message) {
        super(message);
    }
}
