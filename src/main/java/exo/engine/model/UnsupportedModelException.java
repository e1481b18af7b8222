package exo.engine.model;

import exo.InvalidInputException;

/** A well-formed GGUF of a model exo does not run (an architecture or a feature it lacks). */
public final class UnsupportedModelException extends InvalidInputException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
