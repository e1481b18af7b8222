package exo.tokenizer.chat.jinja;

/**
 * A template that cannot be parsed, or that failed while rendering. {@link #kind()} names the
 * Python exception jinja2 raises in that place ("TemplateSyntaxError", "UndefinedError",
 * "TypeError", "SecurityError", "TemplateError" for the template's own raise_exception, ...) and
 * the message is jinja2's, so a refusal reads the same as in Hugging Face's renderer.
 */
public final class TemplateException extends RuntimeException {
    private final String kind;
    private final int line;

    public TemplateException(String kind, String message, int line) {
        super(message, null, false, false);
        this.kind = kind;
        this.line = line;
    }

    TemplateException(String kind, String message) {
        this(kind, message, 0);
    }

    /** The Python exception class jinja2 raises for this error. */
    public String kind() {
        return kind;
    }

    /** The template line where it happened (1-based), 0 when unknown. */
    public int line() {
        return line;
    }

    /** The same error placed at {@code line}, unless it already has a place. */
    TemplateException at(int line) {
        return this.line != 0 || line == 0 ? this : new TemplateException(kind, getMessage(), line);
    }

    static TemplateException typeError(String message) {
        return new TemplateException("TypeError", message);
    }

    static TemplateException valueError(String message) {
        return new TemplateException("ValueError", message);
    }

    static TemplateException runtime(String message) {
        return new TemplateException("TemplateRuntimeError", message);
    }

    /** A Python feature templates may use that this renderer does not implement, said as such. */
    static TemplateException unsupported(String what) {
        return new TemplateException("NotSupported", what + " is not supported by exo's template renderer");
    }
}
