package exo.tokenizer.chat.jinja;

import java.util.List;
import java.util.Map;

/**
 * Binds a call's positional and keyword arguments to a Python signature, with CPython's
 * TypeErrors for too many, missing, duplicate or unknown arguments.
 */
final class Params {
    /** The default of a parameter that must be given. */
    static final Object REQUIRED = new Object();

    private Params() {
    }

    /**
     * @param spec pairs of name and default ({@link #REQUIRED} for none), e.g. {@code "sep", null, "maxsplit", -1L}
     */
    static Object[] bind(String function, List<Object> args, Map<String, Object> kwargs, Object... spec) {
        return bind(function, false, args, kwargs, spec);
    }

    /** As {@link #bind}, for a builtin whose parameters are positional only (most str methods). */
    static Object[] positional(String function, List<Object> args, Map<String, Object> kwargs, Object... spec) {
        return bind(function, true, args, kwargs, spec);
    }

    private static Object[] bind(String function, boolean positionalOnly, List<Object> args, Map<String, Object> kwargs,
                                 Object[] spec) {
        int n = spec.length / 2;
        if (positionalOnly && !kwargs.isEmpty()) {
            throw TemplateException.typeError(function + "() takes no keyword arguments");
        }
        if (args.size() > n) {
            throw TemplateException.typeError(function + "() takes at most " + n + " argument" + (n == 1 ? "" : "s")
                    + " (" + args.size() + " given)");
        }
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            String name = (String) spec[2 * i];
            if (i < args.size()) {
                if (kwargs.containsKey(name)) {
                    throw TemplateException.typeError(function + "() got multiple values for argument '" + name + "'");
                }
                out[i] = args.get(i);
            } else if (kwargs.containsKey(name)) {
                out[i] = kwargs.get(name);
            } else if (spec[2 * i + 1] == REQUIRED) {
                throw TemplateException.typeError(function + "() missing required argument '" + name + "'");
            } else {
                out[i] = spec[2 * i + 1];
            }
        }
        for (String k : kwargs.keySet()) {
            boolean known = false;
            for (int i = 0; i < n; i++) {
                known |= spec[2 * i].equals(k);
            }
            if (!known) {
                throw TemplateException.typeError(function + "() got an unexpected keyword argument '" + k + "'");
            }
        }
        return out;
    }

    /** An int argument (bool counts, as in Python). */
    static long integer(String function, Object v) {
        if (Py.isInt(v)) {
            return Py.asLong(v);
        }
        throw TemplateException.typeError(function + "(): " + Py.repr(Py.typeName(v))
                + " object cannot be interpreted as an integer");
    }

    /** A str argument. */
    static String text(String function, Object v) {
        if (Py.isText(v)) {
            return Py.text(v);
        }
        throw TemplateException.typeError(function + "() argument must be str, not " + Py.typeName(v));
    }

    /** A str argument or None. */
    static String textOrNone(String function, Object v) {
        return v == null ? null : text(function, v);
    }
}
