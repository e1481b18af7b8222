package exo.engine;

/** Why a generation ended, named as the OpenAI API names them where it has a name. */
public enum FinishReason {
    /** The model produced an end-of-generation token. */
    STOP("stop"),
    /** The token limit or the context length was reached. */
    LENGTH("length"),
    /** The user stopped it (Ctrl-C) or the session was released. */
    CANCELLED("cancelled");

    private final String label;

    FinishReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
