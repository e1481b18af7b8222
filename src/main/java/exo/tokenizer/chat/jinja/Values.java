package exo.tokenizer.chat.jinja;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain Java values from a caller as template values: ints as Long, floats as Double, copies of maps and lists. */
final class Values {
    private Values() {
    }

    /** A function's arguments with marked-safe text as plain String. */
    private static List<Object> plain(List<Object> args) {
        List<Object> out = new ArrayList<>(args.size());
        for (Object a : args) {
            out.add(a instanceof Markup m ? m.text() : a);
        }
        return out;
    }

    static Object of(Object v) {
        return switch (v) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Number n when PlainNumbers.fits(n) -> PlainNumbers.of(n);
            case CharSequence s -> s.toString();
            case Map<?, ?> m -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.put(of(e.getKey()), of(e.getValue()));
                }
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>(l.size());
                for (Object o : l) {
                    out.add(of(o));
                }
                yield out;
            }
            case TemplateFunction f -> PyCallable.of("function", (r, a, k) -> of(f.call(plain(a), k)));
            default -> throw new IllegalArgumentException("not a template value: " + v.getClass().getName());
        };
    }
}
