package exo.tokenizer.chat.jinja;

/**
 * jinja2's default Undefined: what a missing variable, attribute or item evaluates to. It prints
 * as "", is false, has length 0 and iterates as empty; reading an attribute or item of it,
 * calling it or computing with it fails with the message jinja2 gives.
 */
final class Undefined {
    private static final Object NO_OBJECT = new Object();

    private final String hint;
    private final Object object;
    private final Object name;
    private final String exceptionKind;

    private Undefined(String hint, Object object, Object name, String exceptionKind) {
        this.hint = hint;
        this.object = object;
        this.name = name;
        this.exceptionKind = exceptionKind;
    }

    /** A variable the template does not have. */
    static Undefined variable(String name) {
        return new Undefined(null, NO_OBJECT, name, "UndefinedError");
    }

    /** An attribute or item {@code name} that {@code object} does not have. */
    static Undefined member(Object object, Object name) {
        return new Undefined(null, object, name, "UndefinedError");
    }

    /** Undefined with jinja2's explanation, e.g. "No first item, sequence was empty." */
    static Undefined withHint(String hint) {
        return new Undefined(hint, NO_OBJECT, null, "UndefinedError");
    }

    /** What the immutable sandbox gives for a method that would change a list or dict. */
    static Undefined unsafe(Object object, String attribute) {
        return new Undefined("access to attribute " + Py.repr(attribute) + " of " + Py.repr(Py.typeName(object))
                + " object is unsafe.", object, attribute, "SecurityError");
    }

    String message() {
        if (hint != null) {
            return hint;
        }
        if (object == NO_OBJECT) {
            return Py.repr(name) + " is undefined";
        }
        if (!(name instanceof String)) {
            return Py.objectTypeRepr(object) + " has no element " + Py.repr(name);
        }
        return Py.repr(Py.objectTypeRepr(object)) + " has no attribute " + Py.repr(name);
    }

    TemplateException fail() {
        return new TemplateException(exceptionKind, message());
    }

    @Override
    public String toString() {
        return "";
    }
}
