package exo.engine;

import exo.InvalidInputException;

/** A prompt that leaves no room in the context for the answer: the person's to shorten. */
public final class PromptTooLongException extends InvalidInputException {
    private final int promptTokens;
    private final int context;

    public PromptTooLongException(int promptTokens, int context) {
        super("prompt", "the prompt needs " + promptTokens + " tokens but the context holds " + context
                + " (the last position is for the answer)");
        this.promptTokens = promptTokens;
        this.context = context;
    }

    public int promptTokens() {
        return promptTokens;
    }

    public int context() {
        return context;
    }
}
