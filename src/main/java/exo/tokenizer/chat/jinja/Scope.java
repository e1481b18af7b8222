package exo.tokenizer.chat.jinja;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables as jinja2 scopes them: the template's top level, each loop iteration, each macro
 * call and each block statement (set block, filter, with, call) have their own; {@code if} does
 * not. Assignment writes to the innermost scope; reading falls back outward, then to the
 * render's variables and the globals.
 */
final class Scope {
    private final Scope parent;
    private final Map<String, Object> fallback;
    private final Map<String, Object> vars = new HashMap<>();

    private Scope(Scope parent, Map<String, Object> fallback) {
        this.parent = parent;
        this.fallback = fallback;
    }

    /** The top-level scope over the render's variables (which already hold the globals under them). */
    static Scope root(Map<String, Object> variables) {
        return new Scope(null, variables);
    }

    Scope child() {
        return new Scope(this, null);
    }

    /** The value, or {@link Py#MISSING}. */
    Object lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Object v = s.vars.get(name);
            if (v != null || s.vars.containsKey(name)) {
                return v;
            }
            if (s.fallback != null) {
                v = s.fallback.get(name);
                if (v != null || s.fallback.containsKey(name)) {
                    return v;
                }
            }
        }
        return Py.MISSING;
    }

    void set(String name, Object value) {
        vars.put(name, value);
    }
}
