package exo.tokenizer.chat;

/** A chat template that cannot be rendered, or that refused the conversation (raise_exception). */
public final class ChatTemplateException extends IllegalArgumentException {
    public ChatTemplateException(String message) {
        super(message);
    }
}
