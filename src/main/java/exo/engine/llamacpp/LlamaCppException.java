package exo.engine.llamacpp;

/**
 * A failure of the llama.cpp engine with a one-line message fit for a person. The bindings'
 * own {@code de.kherud.llama.LlamaException} is package-private, so callers could not catch it
 * by type; everything that leaves this package is wrapped in this instead.
 */
public final class LlamaCppException extends RuntimeException {

    public LlamaCppException(String message) {
        super(message);
    }

    public LlamaCppException(String message, Throwable cause) {
        super(message, cause);
    }
}
