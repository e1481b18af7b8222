package exo.tokenizer.chat.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps(value, ensure_ascii, indent, separators, sort_keys)}, which is what
 * transformers' {@code tojson} filter calls: ", " and ": " on one line, "," and ": " with an
 * indent, non-ASCII text as it is unless ensure_ascii, floats as Python's repr, and TypeError
 * for what JSON cannot hold (an Undefined, a generator, a namespace...).
 */
final class Json {
    private final boolean ensureAscii;
    private final String indent;
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean sortKeys;
    private final StringBuilder out = new StringBuilder();

    private Json(boolean ensureAscii, String indent, String itemSeparator, String keySeparator, boolean sortKeys) {
        this.ensureAscii = ensureAscii;
        this.indent = indent;
        this.itemSeparator = itemSeparator;
        this.keySeparator = keySeparator;
        this.sortKeys = sortKeys;
    }

    /**
     * @param indent     null, an int (spaces) or a str
     * @param separators null or a two-item sequence of str
     */
    static String dumps(Object value, boolean ensureAscii, Object indent, Object separators, boolean sortKeys) {
        String indentText = switch (indent) {
            case null -> null;
            case Boolean b -> " ".repeat(b ? 1 : 0);
            case Long n -> " ".repeat((int) Math.max(0, n));
            case String s -> s;
            case Markup m -> m.text();
            default -> throw TemplateException.typeError("can't multiply sequence by non-int of type "
                    + Py.repr(Py.typeName(indent)));
        };
        String item = indentText == null ? ", " : ",";
        String key = ": ";
        if (separators != null) {
            List<Object> parts = Py.toList(separators);
            if (parts.size() != 2) {
                throw TemplateException.valueError("too many values to unpack (expected 2)");
            }
            item = Py.str(parts.get(0));
            key = Py.str(parts.get(1));
        }
        Json j = new Json(ensureAscii, indentText, item, key, sortKeys);
        j.write(value, 0);
        return j.out.toString();
    }

    private void newline(int depth) {
        out.append('\n');
        for (int i = 0; i < depth; i++) {
            out.append(indent);
        }
    }

    private void write(Object v, int depth) {
        switch (v) {
            case null -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case Long l -> out.append(l);
            case Double d -> out.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity"
                    : "-Infinity") : Py.floatRepr(d));
            case String s -> quote(s);
            case Markup m -> quote(m.text());
            case Map<?, ?> m -> writeMap(m, depth);
            case List<?> l when !(v instanceof PyView) && !(v instanceof PyRange) -> writeList(l, depth);
            default -> throw TemplateException.typeError("Object of type " + Py.typeName(v) + " is not JSON serializable");
        }
    }

    private void writeList(List<?> l, int depth) {
        if (l.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                out.append(itemSeparator);
            }
            if (indent != null) {
                newline(depth + 1);
            }
            write(l.get(i), depth + 1);
        }
        if (indent != null) {
            newline(depth);
        }
        out.append(']');
    }

    private void writeMap(Map<?, ?> m, int depth) {
        if (m.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
        if (sortKeys) {
            entries.sort((a, b) -> Py.order(a.getKey(), b.getKey()));
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : entries) {
            if (!first) {
                out.append(itemSeparator);
            }
            first = false;
            if (indent != null) {
                newline(depth + 1);
            }
            quote(key(e.getKey()));
            out.append(keySeparator);
            write(e.getValue(), depth + 1);
        }
        if (indent != null) {
            newline(depth);
        }
        out.append('}');
    }

    private static String key(Object k) {
        return switch (k) {
            case String s -> s;
            case Markup m -> m.text();
            case null -> "null";
            case Boolean b -> b ? "true" : "false";
            case Long l -> l.toString();
            case Double d -> Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity")
                    : Py.floatRepr(d);
            default -> throw TemplateException.typeError("keys must be str, int, float, bool or None, not "
                    + Py.typeName(k));
        };
    }

    private void quote(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
