package exo.models;

/** models.yaml is unreadable or an entry is wrong; the message names the model and field. */
public final class ModelRegistryException extends RuntimeException {
    public ModelRegistryException(String message) {
        super(message);
    }
}
