package exo.models;

import exo.InvalidInputException;

/** models.yaml is unreadable or an entry is wrong; the message names the model and field. */
public final class ModelRegistryException extends InvalidInputException {
    public ModelRegistryException(String message) {
        super(message);
    }
}
