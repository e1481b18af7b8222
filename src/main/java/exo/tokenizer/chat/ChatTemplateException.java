package exo.tokenizer.chat;

import exo.InvalidInputException;

/** A chat template that cannot be rendered, or that refused the conversation (raise_exception). */
public final class ChatTemplateException extends InvalidInputException {
    public ChatTemplateException(String message) {
        super(message);
    }
}
