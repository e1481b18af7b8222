package exo.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small JSON Schema checker for the keywords the grammar enforces, written from the
 * specification independently of the converter, so property tests can say whether generated
 * JSON fits its schema. oneOf is checked as anyOf, as the grammar treats it.
 */
public final class SchemaValidator {
    private final JsonNode root;

    public SchemaValidator(JsonNode root) {
        this.root = root;
    }

    /** Null when {@code value} fits, else the first reason it does not. */
    public String check(JsonNode value) {
        return check(root, value, "$");
    }

    private String check(JsonNode schema, JsonNode v, String path) {
        if (schema.isBoolean()) {
            return schema.asBoolean() ? null : path + ": schema false";
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            return check(ref.equals("#") ? root : root.at(ref.substring(1)), v, path);
        }
        for (String key : List.of("anyOf", "oneOf")) {
            if (schema.has(key)) {
                boolean any = false;
                for (JsonNode alt : schema.get(key)) {
                    any |= check(alt, v, path) == null;
                }
                if (!any) {
                    return path + ": none of " + key;
                }
            }
        }
        if (schema.has("allOf")) {
            for (JsonNode part : schema.get("allOf")) {
                String r = check(part, v, path);
                if (r != null) {
                    return r;
                }
            }
        }
        if (schema.has("const") && !schema.get("const").equals(v)) {
            return path + ": not the const";
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) {
                found |= e.equals(v);
            }
            if (!found) {
                return path + ": not in enum";
            }
        }
        if (schema.has("type")) {
            JsonNode t = schema.get("type");
            boolean ok = false;
            if (t.isArray()) {
                for (JsonNode x : t) {
                    ok |= isType(v, x.asText());
                }
            } else {
                ok = isType(v, t.asText());
            }
            if (!ok) {
                return path + ": not of type " + t;
            }
        }
        if (v.isTextual()) {
            String s = v.asText();
            int chars = s.codePointCount(0, s.length());
            if (schema.has("minLength") && chars < schema.get("minLength").asInt()) {
                return path + ": shorter than minLength";
            }
            if (schema.has("maxLength") && chars > schema.get("maxLength").asInt()) {
                return path + ": longer than maxLength";
            }
            if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
                return path + ": does not match the pattern";
            }
            if (schema.has("format")) {
                String f = schema.get("format").asText();
                String re = switch (f) {
                    case "date" -> "\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])";
                    case "time" -> "([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{3})?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)";
                    case "date-time" -> "\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{3})?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)";
                    case "uuid" -> "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
                    default -> ".*";
                };
                if (!s.matches(re)) {
                    return path + ": not a " + f;
                }
            }
        }
        if (v.isIntegralNumber() || (v.isNumber() && isType(v, "integer"))) {
            double d = v.asDouble();
            if (schema.has("minimum") && d < schema.get("minimum").asDouble()) {
                return path + ": below minimum";
            }
            if (schema.has("maximum") && d > schema.get("maximum").asDouble()) {
                return path + ": above maximum";
            }
            if (schema.has("exclusiveMinimum") && d <= schema.get("exclusiveMinimum").asDouble()) {
                return path + ": not above exclusiveMinimum";
            }
            if (schema.has("exclusiveMaximum") && d >= schema.get("exclusiveMaximum").asDouble()) {
                return path + ": not below exclusiveMaximum";
            }
        }
        if (v.isArray()) {
            if (schema.has("minItems") && v.size() < schema.get("minItems").asInt()) {
                return path + ": fewer than minItems";
            }
            if (schema.has("maxItems") && v.size() > schema.get("maxItems").asInt()) {
                return path + ": more than maxItems";
            }
            JsonNode prefix = schema.has("prefixItems") ? schema.get("prefixItems")
                    : schema.has("items") && schema.get("items").isArray() ? schema.get("items") : null;
            for (int i = 0; i < v.size(); i++) {
                JsonNode itemSchema = prefix != null ? (i < prefix.size() ? prefix.get(i) : null) : schema.get("items");
                if (itemSchema != null) {
                    String r = check(itemSchema, v.get(i), path + "[" + i + "]");
                    if (r != null) {
                        return r;
                    }
                }
            }
        }
        if (v.isObject()) {
            JsonNode props = schema.get("properties");
            if (schema.has("required")) {
                for (JsonNode r : schema.get("required")) {
                    if (!v.has(r.asText())) {
                        return path + ": missing required " + r.asText();
                    }
                }
            }
            Set<String> seen = new HashSet<>();
            Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                seen.add(e.getKey());
                JsonNode ps = props != null ? props.get(e.getKey()) : null;
                if (ps == null) {
                    JsonNode additional = schema.get("additionalProperties");
                    if (additional == null) {
                        continue;
                    }
                    ps = additional;
                }
                String r = check(ps, e.getValue(), path + "." + e.getKey());
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    private static boolean isType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && !v.toString().contains("."));
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> false;
        };
    }
}
