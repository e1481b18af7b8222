package exo.tokenizer.chat;

import com.fasterxml.jackson.databind.JsonNode;
import exo.tokenizer.chat.jinja.PlainNumbers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as the plain Java values chat templates take: objects as Map (String keys, in document
 * order), arrays as List, strings, integers as Long, other numbers as Double, true/false,
 * null. Jackson's tree is converted here, at the boundary, so the renderer never sees Jackson.
 */
public final class JsonValues {
    private JsonValues() {
    }

    public static Object of(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), of(e.getValue()));
            }
            return Collections.unmodifiableMap(m);
        }
        if (node.isArray()) {
            List<Object> l = new ArrayList<>(node.size());
            for (JsonNode item : node) {
                l.add(of(item));
            }
            return Collections.unmodifiableList(l);
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        throw new IllegalArgumentException("unexpected JSON value: " + node.getNodeType());
    }

    /** A deep, unmodifiable copy of plain Java JSON-like values; anything else is refused. */
    static Object copy(Object v) {
        return switch (v) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Number n when PlainNumbers.fits(n) -> PlainNumbers.of(n);
            case Map<?, ?> m -> copyOf(m);
            case List<?> l -> {
                List<Object> out = new ArrayList<>(l.size());
                for (Object o : l) {
                    out.add(copy(o));
                }
                yield Collections.unmodifiableList(out);
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + v.getClass().getSimpleName());
        };
    }

    static Map<String, Object> copyOf(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                throw new IllegalArgumentException("JSON object keys are strings, not " + e.getKey());
            }
            out.put(k, copy(e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }
}
