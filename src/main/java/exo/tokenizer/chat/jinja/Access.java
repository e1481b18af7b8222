package exo.tokenizer.chat.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code obj.name} and {@code obj[key]} as transformers' ImmutableSandboxedEnvironment resolves
 * them: an attribute first and then an item for {@code .}, the other way round for {@code []},
 * Undefined when neither exists, and the methods that would change a list or dict ({@code append},
 * {@code pop}, {@code update}, ...) unsafe: they read as undefined and calling one fails with
 * jinja2's SecurityError.
 */
final class Access {
    private static final Set<String> LIST_MUTATORS = Set.of("append", "clear", "pop", "reverse", "insert", "sort",
            "extend", "remove");
    private static final Set<String> DICT_MUTATORS = Set.of("clear", "pop", "popitem", "setdefault", "update");

    private Access() {
    }

    /** jinja2's sandboxed getattr: {@code obj.name}. */
    static Object getattr(Object obj, String name) {
        if (obj instanceof Undefined u) {
            throw u.fail();
        }
        Object attr = attribute(obj, name);
        if (attr != Py.MISSING) {
            return attr;
        }
        Object item = item(obj, name);
        return item != Py.MISSING ? item : Undefined.member(obj, name);
    }

    /** jinja2's sandboxed getitem: {@code obj[key]}. */
    static Object getitem(Object obj, Object key) {
        if (obj instanceof Undefined u) {
            throw u.fail();
        }
        Object item = item(obj, key);
        if (item != Py.MISSING) {
            return item;
        }
        if (key instanceof String name) {
            Object attr = attribute(obj, name);
            if (attr != Py.MISSING) {
                return attr;
            }
        }
        return Undefined.member(obj, key);
    }

    /** Python's getattr with the sandbox's checks; MISSING where Python raises AttributeError. */
    static Object attribute(Object obj, String name) {
        if (name.startsWith("__") && name.endsWith("__") && name.length() > 4) {
            // every Python object has dunder attributes; the sandbox refuses them all
            return Undefined.unsafe(obj, name);
        }
        if (name.startsWith("_")) {
            return Py.MISSING;
        }
        return switch (obj) {
            case String s -> StrMethods.attribute(s, name);
            case Markup m -> StrMethods.attribute(m.text(), name);
            case GroupTuple g when name.equals("grouper") -> g.get(0);
            case GroupTuple g when name.equals("list") -> g.get(1);
            case PyRange r when name.equals("start") -> r.start;
            case PyRange r when name.equals("stop") -> r.stop;
            case PyRange r when name.equals("step") -> r.step;
            case PyView v -> Py.MISSING;
            case List<?> l -> listAttribute(l, name);
            case Map<?, ?> m -> dictAttribute(m, name);
            case Namespace ns -> ns.attributes.containsKey(name) ? ns.attributes.get(name) : Py.MISSING;
            case LoopContext loop -> loop.attribute(name);
            case Cycler c -> c.attribute(name);
            case Macro m when name.equals("name") -> m.name();
            case null, default -> Py.MISSING;
        };
    }

    /** Python's obj[key]; MISSING where Python raises KeyError, IndexError or TypeError. */
    private static Object item(Object obj, Object key) {
        switch (obj) {
            case Map<?, ?> m -> {
                if ((key instanceof List<?> && !(key instanceof PyTuple)) || key instanceof Map<?, ?>) {
                    return Py.MISSING;
                }
                return Py.dictGet(m, key);
            }
            case String s -> {
                return stringItem(s, key);
            }
            case Markup mk -> {
                return stringItem(mk.text(), key);
            }
            case PyView v -> {
                return Py.MISSING;
            }
            case List<?> l -> {
                if (key instanceof PySlice slice) {
                    List<Object> cut = slice.apply(l);
                    return l instanceof PyTuple ? PyTuple.copyOf(cut) : cut;
                }
                if (!Py.isInt(key)) {
                    return Py.MISSING;
                }
                long i = Py.asLong(key);
                if (i < 0) {
                    i += l.size();
                }
                return i >= 0 && i < l.size() ? l.get((int) i) : Py.MISSING;
            }
            case Namespace ns -> {
                return key instanceof String k && ns.attributes.containsKey(k) ? ns.attributes.get(k) : Py.MISSING;
            }
            case null, default -> {
                return Py.MISSING;
            }
        }
    }

    private static Object stringItem(String s, Object key) {
        if (key instanceof PySlice slice) {
            return slice.apply(s);
        }
        if (!Py.isInt(key)) {
            return Py.MISSING;
        }
        long i = Py.asLong(key);
        boolean simple = PyString.simple(s);
        int length = simple ? s.length() : PyString.length(s);
        if (i < 0) {
            i += length;
        }
        if (i < 0 || i >= length) {
            return Py.MISSING;
        }
        if (simple) {
            return String.valueOf(s.charAt((int) i));
        }
        int at = PyString.offset(s, (int) i);
        return s.substring(at, at + Character.charCount(s.codePointAt(at)));
    }

    private static Object listAttribute(List<?> l, String name) {
        boolean tuple = l instanceof PyTuple || l instanceof PyRange;
        if (!tuple && LIST_MUTATORS.contains(name)) {
            return Undefined.unsafe(l, name);
        }
        return switch (name) {
            case "count" -> method((r, a, k) -> {
                Object x = Params.positional("count", a, k, "value", Params.REQUIRED)[0];
                long n = 0;
                for (Object o : l) {
                    n += Py.eq(o, x) ? 1 : 0;
                }
                return n;
            });
            case "index" -> method((r, a, k) -> {
                Object x = Params.positional("index", a, k, "value", Params.REQUIRED, "start", 0L, "stop",
                        (long) l.size())[0];
                for (int i = 0; i < l.size(); i++) {
                    if (Py.eq(l.get(i), x)) {
                        return (long) i;
                    }
                }
                throw TemplateException.valueError(Py.repr(x) + " is not in " + (tuple ? "tuple" : "list"));
            });
            case "copy" -> tuple ? Py.MISSING : method((r, a, k) -> {
                Params.positional("copy", a, k);
                return new ArrayList<>(l);
            });
            default -> Py.MISSING;
        };
    }

    private static Object dictAttribute(Map<?, ?> m, String name) {
        if (DICT_MUTATORS.contains(name)) {
            return Undefined.unsafe(m, name);
        }
        return switch (name) {
            case "items" -> method((r, a, k) -> {
                Params.positional("items", a, k);
                List<Object> items = new ArrayList<>(m.size());
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    items.add(new PyTuple(e.getKey(), e.getValue()));
                }
                return new PyView("dict_items", items);
            });
            case "keys" -> method((r, a, k) -> {
                Params.positional("keys", a, k);
                return new PyView("dict_keys", new ArrayList<>(m.keySet()));
            });
            case "values" -> method((r, a, k) -> {
                Params.positional("values", a, k);
                return new PyView("dict_values", new ArrayList<>(m.values()));
            });
            case "get" -> method((r, a, k) -> {
                Object[] p = Params.positional("get", a, k, "key", Params.REQUIRED, "default", null);
                Object v = Py.dictGet(m, p[0]);
                return v == Py.MISSING ? p[1] : v;
            });
            case "copy" -> method((r, a, k) -> {
                Params.positional("copy", a, k);
                return new LinkedHashMap<Object, Object>(m);
            });
            case "fromkeys" -> method((r, a, k) -> {
                throw TemplateException.unsupported("dict.fromkeys()");
            });
            default -> Py.MISSING;
        };
    }

    private static PyCallable method(PyCallable body) {
        return PyCallable.of("builtin_function_or_method", body);
    }
}
