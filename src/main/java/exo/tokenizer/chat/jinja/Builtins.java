package exo.tokenizer.chat.jinja;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** jinja2's global functions: range (the sandbox's, at most 100,000 items), dict, namespace, cycler, joiner, lipsum. */
final class Builtins {
    private Builtins() {
    }

    static Map<String, Object> globals() {
        Map<String, Object> g = new HashMap<>();
        g.put("range", PyCallable.of("function", (r, a, k) -> range(a, k)));
        g.put("dict", PyCallable.of("type", (r, a, k) -> dict("dict", a, k)));
        g.put("namespace", PyCallable.of("type", (r, a, k) -> {
            Namespace ns = new Namespace();
            for (Map.Entry<Object, Object> e : dict("namespace", a, k).entrySet()) {
                ns.attributes.put(Py.str(e.getKey()), e.getValue());
            }
            return ns;
        }));
        g.put("cycler", PyCallable.of("type", (r, a, k) -> new Cycler(new ArrayList<>(a))));
        g.put("joiner", PyCallable.of("type", (r, a, k) -> {
            String sep = Py.str(Params.bind("joiner", a, k, "sep", ", ")[0]);
            boolean[] used = {false};
            return PyCallable.of("Joiner", (r2, a2, k2) -> {
                if (!used[0]) {
                    used[0] = true;
                    return "";
                }
                return sep;
            });
        }));
        g.put("lipsum", PyCallable.of("function", (r, a, k) -> {
            throw TemplateException.unsupported("lipsum()");
        }));
        return g;
    }

    private static Object range(List<Object> a, Map<String, Object> k) {
        if (!k.isEmpty()) {
            throw TemplateException.typeError("range() takes no keyword arguments");
        }
        if (a.isEmpty() || a.size() > 3) {
            throw TemplateException.typeError(a.isEmpty() ? "range expected at least 1 argument, got 0"
                    : "range expected at most 3 arguments, got " + a.size());
        }
        long[] n = new long[a.size()];
        for (int i = 0; i < n.length; i++) {
            if (!Py.isInt(a.get(i))) {
                throw TemplateException.typeError(Py.repr(Py.typeName(a.get(i)))
                        + " object cannot be interpreted as an integer");
            }
            n[i] = Py.asLong(a.get(i));
        }
        return switch (n.length) {
            case 1 -> new PyRange(0, n[0], 1);
            case 2 -> new PyRange(n[0], n[1], 1);
            default -> new PyRange(n[0], n[1], n[2]);
        };
    }

    /** dict(mapping_or_pairs, **kwargs). */
    static Map<Object, Object> dict(String name, List<Object> a, Map<String, Object> k) {
        if (a.size() > 1) {
            throw TemplateException.typeError(name + " expected at most 1 argument, got " + a.size());
        }
        Map<Object, Object> out = new LinkedHashMap<>();
        if (a.size() == 1) {
            Object source = a.get(0);
            if (source instanceof Map<?, ?> m) {
                m.forEach((key, value) -> Py.dictPut(out, key, value));
            } else {
                int i = 0;
                for (Iterator<Object> it = Py.iterate(source); it.hasNext(); i++) {
                    Object pair = it.next();
                    List<Object> kv = Py.isText(pair) || pair instanceof List<?> ? Py.toList(pair) : null;
                    if (kv == null) {
                        throw TemplateException.typeError("cannot convert dictionary update sequence element #" + i
                                + " to a sequence");
                    }
                    if (kv.size() != 2) {
                        throw TemplateException.valueError("dictionary update sequence element #" + i + " has length "
                                + kv.size() + "; 2 is required");
                    }
                    Py.dictPut(out, kv.get(0), kv.get(1));
                }
            }
        }
        k.forEach((key, value) -> Py.dictPut(out, key, value));
        return out;
    }
}
