package exo.tokenizer.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.Collection;
import java.util.Map;

/**
 * The {@code tojson} filter as Hugging Face's chat templates get it: Python's
 * {@code json.dumps(value, ensure_ascii=False, indent=indent)}, so ", " and ": " between items
 * on one line, "," and ": " with an indent, and non-ASCII text as it is. (Jinjava's own filter
 * writes compact JSON, which would change the prompt a model was trained on.)
 */
final class PythonJson implements Filter {

    @Override
    public String getName() {
        return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return dumps(var, -1);
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        Object indent = kwargs.getOrDefault("indent", args.length > 0 ? args[0] : null);
        return dumps(var, indent == null ? -1 : ((Number) indent).intValue());
    }

    /** {@code indent} below 0: all on one line. */
    static String dumps(Object value, int indent) {
        StringBuilder b = new StringBuilder();
        write(b, value, indent, 0);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v, int indent, int depth) {
        switch (v) {
            case null -> b.append("null");
            case String s -> quote(b, s);
            case Boolean bool -> b.append(bool ? "true" : "false");
            case Number n -> b.append(n);
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    b.append("{}");
                    return;
                }
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    separate(b, first, indent, depth + 1);
                    first = false;
                    quote(b, String.valueOf(e.getKey()));
                    b.append(": ");
                    write(b, e.getValue(), indent, depth + 1);
                }
                close(b, indent, depth);
                b.append('}');
            }
            case Collection<?> c -> {
                if (c.isEmpty()) {
                    b.append("[]");
                    return;
                }
                b.append('[');
                boolean first = true;
                for (Object o : c) {
                    separate(b, first, indent, depth + 1);
                    first = false;
                    write(b, o, indent, depth + 1);
                }
                close(b, indent, depth);
                b.append(']');
            }
            case Object[] array -> write(b, java.util.Arrays.asList(array), indent, depth);
            default -> quote(b, v.toString());
        }
    }

    private static void separate(StringBuilder b, boolean first, int indent, int depth) {
        if (indent < 0) {
            if (!first) {
                b.append(", ");
            }
            return;
        }
        if (!first) {
            b.append(',');
        }
        b.append('\n').append(" ".repeat(indent * depth));
    }

    private static void close(StringBuilder b, int indent, int depth) {
        if (indent >= 0) {
            b.append('\n').append(" ".repeat(indent * depth));
        }
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
