package exo.tokenizer.chat.jinja;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * Python's semantics for the values templates see: None is null, bool Boolean, int Long, float
 * Double, str String (or {@link Markup}), list a java.util.List, tuple {@link PyTuple}, dict a
 * java.util.Map in insertion order. Truth, str(), repr(), ==, ordering, iteration, len() and
 * {@code in} behave as CPython's, including the TypeError messages.
 */
final class Py {
    /** What a dict lookup gives for a key it lacks (None is a value). */
    static final Object MISSING = new Object() {
        @Override
        public String toString() {
            return "MISSING";
        }
    };

    private Py() {
    }

    /** Python's {@code str.isspace()} for one char, which is also what {@code \s} matches in a str regex. */
    static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) || c == 0x85
                || (c > 0x7f && (Character.isWhitespace(c) || Character.isSpaceChar(c)));
    }

    static boolean isText(Object v) {
        return v instanceof String || v instanceof Markup;
    }

    /** The text of a str or Markup. */
    static String text(Object v) {
        return v instanceof Markup m ? m.text() : (String) v;
    }

    /** int in Python's sense: int or bool. */
    static boolean isInt(Object v) {
        return v instanceof Long || v instanceof Boolean;
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Boolean || v instanceof Double;
    }

    static long asLong(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : (Long) v;
    }

    static double asDouble(Object v) {
        return v instanceof Double d ? d : asLong(v);
    }

    /** A sequence in the sense of list/tuple/range, not str. */
    static boolean isSequence(Object v) {
        return v instanceof List<?> && !(v instanceof PyView);
    }

    static String typeName(Object v) {
        return switch (v) {
            case null -> "NoneType";
            case Boolean b -> "bool";
            case Long l -> "int";
            case Integer i -> "int";
            case Double d -> "float";
            case String s -> "str";
            case Markup m -> "Markup";
            case GroupTuple g -> "_GroupTuple";
            case PyTuple t -> "tuple";
            case PyRange r -> "range";
            case PyView w -> w.kind;
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case Undefined u -> "Undefined";
            case Namespace n -> "Namespace";
            case PyGenerator g -> g.typeName;
            case LoopContext l -> "LoopContext";
            case Macro m -> "Macro";
            case Cycler c -> "Cycler";
            case PyCallable c -> c.typeName();
            default -> v.getClass().getSimpleName();
        };
    }

    /** jinja2's object_type_repr, which Undefined's messages use. */
    static String objectTypeRepr(Object v) {
        return switch (v) {
            case null -> "None";
            case Markup m -> "markupsafe.Markup object";
            case Namespace n -> "jinja2.utils.Namespace object";
            case Cycler c -> "jinja2.utils.Cycler object";
            case LoopContext l -> "jinja2.runtime.LoopContext object";
            case Macro m -> "jinja2.runtime.Macro object";
            case Undefined u -> "jinja2.runtime.Undefined object";
            case GroupTuple g -> "jinja2.filters._GroupTuple object";
            default -> typeName(v) + " object";
        };
    }

    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0.0;
            case String s -> !s.isEmpty();
            case Markup m -> !m.text().isEmpty();
            case Collection<?> c -> !c.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            case Undefined u -> false;
            default -> true;
        };
    }

    /** Python's str(). */
    static String str(Object v) {
        return switch (v) {
            case String s -> s;
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case Long l -> l.toString();
            case Double d -> floatRepr(d);
            case Markup m -> m.text();
            case Undefined u -> "";
            default -> repr(v);
        };
    }

    /** Python's repr(). */
    static String repr(Object v) {
        return switch (v) {
            case null -> "None";
            case String s -> PyString.repr(s);
            case Markup m -> "Markup(" + PyString.repr(m.text()) + ")";
            case Undefined u -> "Undefined";
            case PyRange r -> r.repr();
            case GroupTuple g -> "_GroupTuple(grouper=" + repr(g.get(0)) + ", list=" + repr(g.get(1)) + ")";
            case PyTuple t -> t.size() == 1 ? "(" + repr(t.get(0)) + ",)" : join("(", t, ")");
            case PyView w -> w.kind + join("([", w, "])");
            case List<?> l -> join("[", l, "]");
            case Map<?, ?> m -> {
                StringBuilder b = new StringBuilder("{");
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (b.length() > 1) {
                        b.append(", ");
                    }
                    b.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                }
                yield b.append('}').toString();
            }
            case Namespace n -> "<Namespace " + repr(n.attributes) + ">";
            case PyGenerator g -> "<" + g.typeName + " object" + (g.origin.isEmpty() ? "" : " " + g.origin) + ">";
            case Macro m -> "<Macro " + repr(m.name()) + ">";
            case LoopContext l -> "<LoopContext " + l.index() + "/" + l.length() + ">";
            case PyCallable c -> "<" + c.typeName().replace('_', ' ') + ">";
            default -> str(v);
        };
    }

    private static String join(String open, List<?> items, String close) {
        StringBuilder b = new StringBuilder(open);
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(repr(items.get(i)));
        }
        return b.append(close).toString();
    }

    /** Python's float repr: the shortest digits that read back, in fixed notation from 1e-4 up to 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        // Java's Double.toString gives the shortest round-tripping digits (JDK 19+), as Python's repr does.
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int decpt = digits.length() - exact.scale();
        StringBuilder b = new StringBuilder(d < 0 ? "-" : "");
        if (decpt <= -4 || decpt > 16) {
            b.append(digits.charAt(0));
            if (digits.length() > 1) {
                b.append('.').append(digits, 1, digits.length());
            }
            int exp = decpt - 1;
            b.append(exp < 0 ? "e-" : "e+");
            String e = Integer.toString(Math.abs(exp));
            b.append(e.length() < 2 ? "0" + e : e);
        } else if (decpt <= 0) {
            b.append("0.").append("0".repeat(-decpt)).append(digits);
        } else if (decpt >= digits.length()) {
            b.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
        } else {
            b.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
        }
        return b.toString();
    }

    /** Python's ==. */
    static boolean eq(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Undefined || b instanceof Undefined) {
            return a instanceof Undefined && b instanceof Undefined;
        }
        if (isNumber(a) && isNumber(b)) {
            if (isInt(a) && isInt(b)) {
                return asLong(a) == asLong(b);
            }
            return asDouble(a) == asDouble(b);
        }
        if (isText(a) && isText(b)) {
            return text(a).equals(text(b));
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (!sequenceKind(a).equals(sequenceKind(b)) || la.size() != lb.size()) {
                return false;
            }
            for (int i = 0; i < la.size(); i++) {
                if (!eq(la.get(i), lb.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (ma.size() != mb.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                Object other = dictGet(mb, e.getKey());
                if (other == MISSING || !eq(e.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static String sequenceKind(Object v) {
        return v instanceof PyTuple ? "tuple" : typeName(v);
    }

    /** Python's ordering comparisons; op is one of {@code < <= > >=}. */
    static boolean compare(String op, Object a, Object b) {
        if (a instanceof Undefined u) {
            throw u.fail();
        }
        if (b instanceof Undefined u) {
            throw u.fail();
        }
        int c;
        if (isNumber(a) && isNumber(b)) {
            if (isInt(a) && isInt(b)) {
                c = Long.compare(asLong(a), asLong(b));
            } else {
                double x = asDouble(a);
                double y = asDouble(b);
                if (Double.isNaN(x) || Double.isNaN(y)) {
                    return false; // every ordering with nan is false in Python
                }
                c = x < y ? -1 : x > y ? 1 : 0;
            }
        } else if (isText(a) && isText(b)) {
            c = PyString.compare(text(a), text(b));
        } else if (a instanceof List<?> la && b instanceof List<?> lb && sequenceKind(a).equals(sequenceKind(b))
                && !(a instanceof PyRange) && !(a instanceof PyView)) {
            c = compareSequences(op, la, lb);
        } else {
            throw TemplateException.typeError("'" + op + "' not supported between instances of " + repr(typeName(a))
                    + " and " + repr(typeName(b)));
        }
        return switch (op) {
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c >= 0;
        };
    }

    private static int compareSequences(String op, List<?> a, List<?> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            if (!eq(a.get(i), b.get(i))) {
                return compare("<", a.get(i), b.get(i)) ? -1 : 1;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** A total order for sorting as Python's sorted() does (a TypeError for values it cannot order). */
    static int order(Object a, Object b) {
        if (compare("<", a, b)) {
            return -1;
        }
        return compare("<", b, a) ? 1 : 0;
    }

    /** Python's iter(). */
    static Iterator<Object> iterate(Object v) {
        return switch (v) {
            case String s -> PyString.chars(s).iterator();
            case Markup m -> PyString.chars(m.text()).iterator();
            case List<?> l -> castList(l).iterator();
            case Map<?, ?> m -> new ArrayList<Object>(m.keySet()).iterator();
            case PyGenerator g -> g;
            case Undefined u -> Collections.emptyIterator();
            case null, default -> throw TemplateException.typeError(repr(typeName(v)) + " object is not iterable");
        };
    }

    /** The items {@code keep} accepts, each tested only when iteration reaches it (as a Python generator would). */
    static Iterator<Object> lazilyFiltered(Iterator<Object> items, Predicate<Object> keep) {
        return new Iterator<>() {
            private Object pending = MISSING;

            @Override
            public boolean hasNext() {
                while (pending == MISSING && items.hasNext()) {
                    Object item = items.next();
                    if (keep.test(item)) {
                        pending = item;
                    }
                }
                return pending != MISSING;
            }

            @Override
            public Object next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Object item = pending;
                pending = MISSING;
                return item;
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static List<Object> castList(List<?> l) {
        return (List<Object>) l;
    }

    /** list(v). */
    static List<Object> toList(Object v) {
        if (v instanceof List<?> l && !(v instanceof PyView)) {
            return new ArrayList<>(l);
        }
        List<Object> out = new ArrayList<>();
        for (Iterator<Object> it = iterate(v); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    /** v as a list to read (not a copy where it already is one). */
    static List<Object> asList(Object v) {
        return v instanceof List<?> l ? castList(l) : toList(v);
    }

    /** Python's len(). */
    static long len(Object v) {
        return switch (v) {
            case String s -> s.codePointCount(0, s.length());
            case Markup m -> m.text().codePointCount(0, m.text().length());
            case Collection<?> c -> c.size();
            case Map<?, ?> m -> m.size();
            case Undefined u -> 0;
            case null, default -> throw TemplateException.typeError("object of type " + repr(typeName(v)) + " has no len()");
        };
    }

    /** Python's {@code item in container}. */
    static boolean contains(Object container, Object item) {
        switch (container) {
            case String s -> {
                return containsText(s, item);
            }
            case Markup m -> {
                return containsText(m.text(), item);
            }
            case Map<?, ?> m -> {
                return dictGet(m, item) != MISSING;
            }
            case List<?> l -> {
                for (Object o : l) {
                    if (eq(o, item)) {
                        return true;
                    }
                }
                return false;
            }
            case PyGenerator g -> {
                while (g.hasNext()) {
                    if (eq(g.next(), item)) {
                        return true;
                    }
                }
                return false;
            }
            case Undefined u -> {
                return false;
            }
            case null, default -> throw TemplateException.typeError("argument of type " + repr(typeName(container))
                    + " is not iterable");
        }
    }

    private static boolean containsText(String s, Object item) {
        if (!isText(item)) {
            throw TemplateException.typeError("'in <string>' requires string as left operand, not " + typeName(item));
        }
        return s.contains(text(item));
    }

    /** d[key] for a dict, with Python's key equality (1 == 1.0 == True, Markup == str); MISSING if absent. */
    static Object dictGet(Map<?, ?> m, Object key) {
        checkHashable(key);
        Object v = m.get(key);
        if (v != null || m.containsKey(key)) {
            return v;
        }
        if (key instanceof Markup mk) {
            return dictGet(m, mk.text());
        }
        if (isNumber(key) || key instanceof PyTuple) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (eq(e.getKey(), key)) {
                    return e.getValue();
                }
            }
        }
        return MISSING;
    }

    /**
     * d[key] = value with Python's key equality: an equal key already there (1 for 1.0 or True)
     * keeps its place and its own spelling, and takes the new value.
     */
    static void dictPut(Map<Object, Object> m, Object key, Object value) {
        checkHashable(key);
        if (!m.containsKey(key) && (isNumber(key) || key instanceof Markup || key instanceof PyTuple)) {
            for (Map.Entry<Object, Object> e : m.entrySet()) {
                if (eq(e.getKey(), key)) {
                    e.setValue(value);
                    return;
                }
            }
        }
        m.put(key, value);
    }

    static void checkHashable(Object key) {
        if ((key instanceof List<?> && !(key instanceof PyTuple)) || key instanceof Map<?, ?>) {
            throw TemplateException.typeError("unhashable type: " + repr(typeName(key)));
        }
    }
}
