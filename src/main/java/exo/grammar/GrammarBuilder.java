package exo.grammar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds a GBNF grammar from rules and JSON schemas, as llama.cpp's
 * {@code common_grammar_builder} and {@code SchemaConverter} do: each schema becomes rules
 * named after where it sits ({@code root}, {@code root-city}, {@code get-weather-args-unit}),
 * a rule whose text is already there under that name is shared, and a name taken by other text
 * gets a number. The schema features and their semantics follow llama.cpp's
 * {@code json-schema-to-grammar}; see {@link JsonSchemaGrammar} for the list. Not thread-safe;
 * one builder per grammar.
 */
public final class GrammarBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_COUNT = 100_000;

    private final Map<String, String> rules = new TreeMap<>();
    /** Names set aside for a $ref whose rule is being written; the first rule written there takes it. */
    private final Set<String> reserved = new HashSet<>();
    private final List<String> errors = new ArrayList<>();
    private final Map<String, String> excluding = new HashMap<>();
    private int schemaCount;

    public GrammarBuilder() {
        rules.put("space", JsonGrammarRules.SPACE);
    }

    /**
     * Adds {@code name ::= body} (body in GBNF) and returns the name it got: {@code name} with
     * characters outside {@code [a-zA-Z0-9-]} turned into '-', and a number added when that
     * name already has another body.
     */
    public String addRule(String name, String body) {
        String esc = name.replaceAll("[^a-zA-Z0-9-]+", "-");
        if (esc.isEmpty()) {
            esc = "rule";
        }
        String existing = rules.get(esc);
        if (existing == null || existing.equals(body) || reserved.remove(esc)) {
            rules.put(esc, body);
            return esc;
        }
        int i = 0;
        while (rules.containsKey(esc + i) && !rules.get(esc + i).equals(body)) {
            i++;
        }
        rules.put(esc + i, body);
        return esc + i;
    }

    /**
     * Adds the rules for JSON values that satisfy {@code schema} and returns the name of the
     * rule that matches one (followed by optional whitespace). {@code $ref}s are resolved inside
     * this schema ({@code #/$defs/...}, {@code #/definitions/...}, any local JSON pointer).
     */
    public String addSchema(String name, JsonNode schema) {
        Map<String, JsonNode> refs = new HashMap<>();
        String namespace = "s" + (schemaCount++) + ":";
        collectRefs(schema, schema, refs);
        return new Visitor(namespace, refs).visit(schema, name.equals("root") ? "" : name);
    }

    /**
     * Adds a rule for any text (possibly empty) that does not contain {@code forbidden}, and
     * returns its name: free text up to a closing marker, such as a string parameter before
     * {@code </parameter>} or reasoning before {@code </think>}. One rule per state of the
     * Knuth-Morris-Pratt automaton of {@code forbidden}, so the grammar stays deterministic.
     */
    public String addExcluding(String name, String forbidden) {
        String known = excluding.get(forbidden);
        if (known != null) {
            return known;
        }
        int[] w = forbidden.codePoints().toArray();
        int m = w.length;
        if (m == 0) {
            throw new GrammarException("cannot exclude the empty string");
        }
        int[] fail = new int[m];
        for (int i = 1, k = 0; i < m; i++) {
            while (k > 0 && w[i] != w[k]) {
                k = fail[k - 1];
            }
            if (w[i] == w[k]) {
                k++;
            }
            fail[i] = k;
        }
        java.util.TreeSet<Integer> alphabet = new java.util.TreeSet<>();
        for (int c : w) {
            alphabet.add(c);
        }
        StringBuilder others = new StringBuilder("[^");
        for (int c : alphabet) {
            others.append(Gbnf.escape(c, true));
        }
        others.append(']');
        String wanted = name.replaceAll("[^a-zA-Z0-9-]+", "-");
        String base = wanted;
        for (int i = 0; rules.containsKey(base + "-0"); i++) {
            base = wanted + i;
        }
        String[] names = new String[m];
        for (int k = 0; k < m; k++) {
            names[k] = base + "-" + k;
        }
        for (int k = 0; k < m; k++) {
            StringBuilder body = new StringBuilder("| ").append(others).append(' ').append(names[0]);
            for (int c : alphabet) {
                int next = k;
                while (next > 0 && w[next] != c) {
                    next = fail[next - 1];
                }
                if (w[next] == c) {
                    next++;
                }
                if (next < m) {
                    body.append(" | ").append(Gbnf.quote(new String(Character.toChars(c)))).append(' ').append(names[next]);
                }
            }
            rules.put(names[k], body.toString());
        }
        excluding.put(forbidden, names[0]);
        return names[0];
    }

    /** {@code text} as a GBNF literal. */
    public static String literal(String text) {
        return Gbnf.quote(text);
    }

    /** The rules so far as GBNF text, sorted by name as llama.cpp prints them. */
    public String toGbnf() {
        checkErrors();
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : rules.entrySet()) {
            sb.append(e.getKey()).append(" ::= ").append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    /** The grammar starting from {@code root}. */
    public Grammar build(String root) {
        String text = toGbnf();
        try {
            return Grammar.parse(text, root);
        } catch (GrammarException e) {
            throw new GrammarException("internal grammar error: " + e.getMessage());
        }
    }

    private void checkErrors() {
        if (!errors.isEmpty()) {
            throw new GrammarException("JSON schema conversion failed: " + String.join("; ", new LinkedHashSet<>(errors)));
        }
    }

    private void collectRefs(JsonNode root, JsonNode n, Map<String, JsonNode> refs) {
        if (n.isArray()) {
            for (JsonNode x : n) {
                collectRefs(root, x, refs);
            }
        } else if (n.isObject()) {
            JsonNode ref = n.get("$ref");
            if (ref != null && ref.isTextual()) {
                String r = ref.asText();
                if (!refs.containsKey(r)) {
                    if (!r.startsWith("#")) {
                        errors.add("unsupported $ref " + r + " (only local references, #/...)");
                        return;
                    }
                    JsonNode target = root;
                    String pointer = r.substring(1);
                    if (!pointer.isEmpty()) {
                        try {
                            target = pointer.startsWith("/") ? root.at(pointer) : null;
                        } catch (IllegalArgumentException badPointer) {
                            target = null;
                        }
                        if (target == null || target.isMissingNode()) {
                            errors.add("cannot resolve $ref " + r);
                            return;
                        }
                    }
                    refs.put(r, target);
                }
            }
            Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("$ref")) {
                    collectRefs(root, e.getValue(), refs);
                }
            }
        }
    }

    private String addPrimitive(String name, JsonGrammarRules.Rule rule) {
        String n = addRule(name, rule.body());
        for (String dep : rule.deps()) {
            JsonGrammarRules.Rule depRule = JsonGrammarRules.PRIMITIVES.get(dep);
            if (depRule == null) {
                depRule = JsonGrammarRules.STRING_FORMATS.get(dep);
            }
            if (!rules.containsKey(dep)) {
                addPrimitive(dep, depRule);
            }
        }
        return n;
    }

    private static String json(JsonNode value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new GrammarException("cannot write JSON constant: " + e.getOriginalMessage());
        }
    }

    static String buildRepetition(String item, int min, int max, String separator) {
        boolean hasMax = max != Integer.MAX_VALUE;
        if (min == 0 && max == 1) {
            return item + "?";
        }
        if (separator.isEmpty()) {
            if (min == 1 && !hasMax) {
                return item + "+";
            } else if (min == 0 && !hasMax) {
                return item + "*";
            } else {
                return item + "{" + min + "," + (hasMax ? Integer.toString(max) : "") + "}";
            }
        }
        String result = item + " " + buildRepetition("(" + separator + " " + item + ")",
                min == 0 ? 0 : min - 1, hasMax ? max - 1 : max, "");
        return min == 0 ? "(" + result + ")?" : result;
    }

    /** Converts the schemas of one {@link #addSchema} call; $refs resolve within it. */
    private final class Visitor {
        private final String namespace;
        private final Map<String, JsonNode> refs;
        private final Map<String, String> refRules = new HashMap<>();

        Visitor(String namespace, Map<String, JsonNode> refs) {
            this.namespace = namespace;
            this.refs = refs;
        }

        private int depth;

        String visit(JsonNode schema, String name) {
            if (++depth > 100) {
                throw new GrammarException("JSON schema conversion failed: the schema nests more than 100 levels deep");
            }
            try {
                return visitSchema(schema, name);
            } finally {
                depth--;
            }
        }

        private String visitSchema(JsonNode schema, String name) {
            String ruleName = JsonGrammarRules.isReserved(name) ? name + "-" : name.isEmpty() ? "root" : name;
            if (schema.isBoolean()) {
                if (!schema.asBoolean()) {
                    errors.add("schema 'false' matches nothing");
                    return "";
                }
                return addRule(ruleName, addPrimitive("value", JsonGrammarRules.PRIMITIVES.get("value")));
            }
            if (!schema.isObject()) {
                errors.add("a schema must be an object or a boolean, not " + json(schema));
                return "";
            }
            JsonNode type = schema.get("type");
            String format = schema.has("format") ? schema.get("format").asText() : "";
            boolean untyped = type == null || type.isNull();

            if (schema.has("$ref")) {
                return addRule(ruleName, resolveRef(schema.get("$ref").asText()));
            }
            if (schema.has("oneOf") || schema.has("anyOf")) {
                JsonNode alts = schema.has("oneOf") ? schema.get("oneOf") : schema.get("anyOf");
                if (!alts.isArray() || alts.isEmpty()) {
                    errors.add("anyOf/oneOf needs a non-empty array");
                    return "";
                }
                return addRule(ruleName, union(name, alts));
            }
            if (type != null && type.isArray()) {
                List<JsonNode> variants = new ArrayList<>();
                for (JsonNode t : type) {
                    var copy = schema.deepCopy();
                    ((com.fasterxml.jackson.databind.node.ObjectNode) copy).set("type", t);
                    variants.add(copy);
                }
                return addRule(ruleName, union(name, JSON.valueToTree(variants)));
            }
            if (schema.has("const")) {
                return addRule(ruleName, literal(json(schema.get("const"))) + " space");
            }
            if (schema.has("enum")) {
                List<String> values = new ArrayList<>();
                for (JsonNode v : schema.get("enum")) {
                    values.add(literal(json(v)));
                }
                if (values.isEmpty()) {
                    errors.add("enum is empty");
                    return "";
                }
                return addRule(ruleName, "(" + String.join(" | ", values) + ") space");
            }
            boolean objectType = untyped || "object".equals(type.asText());
            JsonNode additional = schema.get("additionalProperties");
            if (objectType && (schema.has("properties")
                    || (additional != null && !(additional.isBoolean() && additional.asBoolean())))) {
                Set<String> required = requiredOf(schema);
                List<Map.Entry<String, JsonNode>> properties = new ArrayList<>();
                if (schema.has("properties")) {
                    properties.addAll(schema.get("properties").properties());
                }
                return addRule(ruleName, objectRule(properties, required, name, additional));
            }
            if (objectType && schema.has("allOf")) {
                return allOf(schema, name, ruleName);
            }
            boolean arrayType = untyped || "array".equals(type.asText());
            if (arrayType && (schema.has("items") || schema.has("prefixItems"))) {
                return addRule(ruleName, arrayRule(schema, name));
            }
            boolean stringType = untyped || "string".equals(type.asText());
            if (stringType && schema.has("pattern")) {
                Expr content = RegexGrammar.contentOf(schema.get("pattern").asText());
                return addRule(ruleName, "\"\\\"\" (" + content.toGbnf() + ") \"\\\"\" space");
            }
            if (stringType && format.matches("uuid[1-5]?")) {
                return addPrimitive(ruleName.equals("root") ? "root" : format, JsonGrammarRules.PRIMITIVES.get("uuid"));
            }
            if (stringType && JsonGrammarRules.STRING_FORMATS.containsKey(format + "-string")) {
                String prim = format + "-string";
                return addRule(ruleName, addPrimitive(prim, JsonGrammarRules.STRING_FORMATS.get(prim)));
            }
            if (type != null && "string".equals(type.asText()) && (schema.has("minLength") || schema.has("maxLength"))) {
                String charRule = addPrimitive("char", JsonGrammarRules.PRIMITIVES.get("char"));
                int min = intOf(schema, "minLength", 0);
                int max = intOf(schema, "maxLength", Integer.MAX_VALUE);
                if (max < min) {
                    errors.add("maxLength " + max + " is below minLength " + min);
                    return "";
                }
                return addRule(ruleName, "\"\\\"\" " + buildRepetition(charRule, min, max, "") + " \"\\\"\" space");
            }
            if (type != null && "integer".equals(type.asText()) && (schema.has("minimum") || schema.has("exclusiveMinimum")
                    || schema.has("maximum") || schema.has("exclusiveMaximum"))) {
                long min = IntegerRange.NO_MIN;
                long max = IntegerRange.NO_MAX;
                if (schema.has("minimum")) {
                    min = (long) Math.ceil(bound(schema.get("minimum")));
                } else if (schema.has("exclusiveMinimum")) {
                    min = (long) Math.floor(bound(schema.get("exclusiveMinimum"))) + 1;
                }
                if (schema.has("maximum")) {
                    max = (long) Math.floor(bound(schema.get("maximum")));
                } else if (schema.has("exclusiveMaximum")) {
                    max = (long) Math.ceil(bound(schema.get("exclusiveMaximum"))) - 1;
                }
                return addRule(ruleName, "(" + IntegerRange.of(min, max) + ") space");
            }
            if (type != null && "object".equals(type.asText())) {
                return addRule(ruleName, addPrimitive("object", JsonGrammarRules.PRIMITIVES.get("object")));
            }
            if (untyped) {
                // No type and nothing that implies one: any JSON value (llama.cpp takes an object here).
                return addRule(ruleName, addPrimitive("value", JsonGrammarRules.PRIMITIVES.get("value")));
            }
            String t = type.asText();
            if (!type.isTextual() || !JsonGrammarRules.PRIMITIVES.containsKey(t) || t.equals("value") || t.equals("char")
                    || t.equals("uuid") || t.endsWith("-part")) {
                errors.add("unrecognized schema: " + json(schema));
                return "";
            }
            return addPrimitive(ruleName.equals("root") ? "root" : t, JsonGrammarRules.PRIMITIVES.get(t));
        }

        private double bound(JsonNode n) {
            if (!n.isNumber()) {
                errors.add("a numeric bound must be a number, not " + json(n));
                return 0;
            }
            double v = n.asDouble();
            if (Math.abs(v) > 1e15) {
                errors.add("integer bound " + json(n) + " is beyond what the grammar can count (1e15)");
                return 0;
            }
            return v;
        }

        /**
         * A count keyword. Grammars write repetitions out, so a maximum past
         * {@link #MAX_COUNT} counts as no maximum (no generation gets there) and a minimum past it
         * is refused.
         */
        private int intOf(JsonNode schema, String key, int absent) {
            JsonNode n = schema.get(key);
            if (n == null || n.isNull()) {
                return absent;
            }
            if (!n.isIntegralNumber() || n.asLong() < 0) {
                errors.add(key + " must be a non-negative integer, not " + json(n));
                return absent;
            }
            if (n.asLong() > MAX_COUNT) {
                if (key.startsWith("min")) {
                    errors.add(key + " " + json(n) + " is over " + MAX_COUNT + ", more than a grammar can count");
                }
                return absent;
            }
            return n.asInt();
        }

        private Set<String> requiredOf(JsonNode schema) {
            Set<String> required = new HashSet<>();
            JsonNode r = schema.get("required");
            if (r != null && r.isArray()) {
                for (JsonNode x : r) {
                    if (x.isTextual()) {
                        required.add(x.asText());
                    }
                }
            }
            return required;
        }

        private String union(String name, JsonNode alts) {
            List<String> out = new ArrayList<>();
            int i = 0;
            for (JsonNode alt : alts) {
                out.add(visit(alt, name + (name.isEmpty() ? "alternative-" : "-") + i));
                i++;
            }
            return String.join(" | ", out);
        }

        private String resolveRef(String ref) {
            String key = namespace + ref;
            String existing = refRules.get(key);
            if (existing != null) {
                return existing;
            }
            JsonNode target = refs.get(ref);
            if (target == null) {
                errors.add("cannot resolve $ref " + ref);
                return "";
            }
            String base = ref.substring(ref.lastIndexOf('/') + 1);
            if (base.isEmpty() || base.equals("#")) {
                base = "ref";
            }
            String name = base.replaceAll("[^a-zA-Z0-9-]+", "-");
            if (JsonGrammarRules.isReserved(name)) {
                name = name + "-";
            }
            // Reserve a free name first, so a recursive schema can refer to its own rule.
            String candidate = name;
            for (int i = 0; rules.containsKey(candidate) || reserved.contains(candidate); i++) {
                candidate = name + i;
            }
            reserved.add(candidate);
            rules.put(candidate, "");
            refRules.put(key, candidate);
            String actual = visit(target, candidate);
            if (!actual.equals(candidate)) {
                reserved.remove(candidate);
                rules.put(candidate, actual);
            }
            return candidate;
        }

        private String objectRule(List<Map.Entry<String, JsonNode>> properties, Set<String> required, String name,
                JsonNode additional) {
            List<String> requiredProps = new ArrayList<>();
            List<String> optionalProps = new ArrayList<>();
            Map<String, String> kvRules = new HashMap<>();
            List<String> propNames = new ArrayList<>();
            String prefix = name + (name.isEmpty() ? "" : "-");
            for (Map.Entry<String, JsonNode> kv : properties) {
                String propName = kv.getKey();
                String propRule = visit(kv.getValue(), prefix + propName);
                kvRules.put(propName, addRule(prefix + propName + "-kv",
                        literal(json(JSON.getNodeFactory().textNode(propName))) + " space \":\" space " + propRule));
                if (required.contains(propName)) {
                    requiredProps.add(propName);
                } else {
                    optionalProps.add(propName);
                }
                propNames.add(propName);
            }
            if (additional != null && ((additional.isBoolean() && additional.asBoolean()) || additional.isObject())) {
                String subName = prefix + "additional";
                String valueRule = additional.isObject() ? visit(additional, subName + "-value")
                        : addPrimitive("value", JsonGrammarRules.PRIMITIVES.get("value"));
                String keyRule = propNames.isEmpty() ? addPrimitive("string", JsonGrammarRules.PRIMITIVES.get("string"))
                        : addRule(subName + "-k", notStrings(propNames));
                kvRules.put("*", addRule(subName + "-kv", keyRule + " \":\" space " + valueRule));
                optionalProps.add("*");
            }
            StringBuilder rule = new StringBuilder("\"{\" space ");
            for (int i = 0; i < requiredProps.size(); i++) {
                if (i > 0) {
                    rule.append(" \",\" space ");
                }
                rule.append(kvRules.get(requiredProps.get(i)));
            }
            if (!optionalProps.isEmpty()) {
                rule.append(" (");
                if (!requiredProps.isEmpty()) {
                    rule.append(" \",\" space ( ");
                }
                for (int i = 0; i < optionalProps.size(); i++) {
                    if (i > 0) {
                        rule.append(" | ");
                    }
                    rule.append(optionalChain(optionalProps.subList(i, optionalProps.size()), false, kvRules, name));
                }
                if (!requiredProps.isEmpty()) {
                    rule.append(" )");
                }
                rule.append(" )?");
            }
            rule.append(" \"}\" space");
            return rule.toString();
        }

        /** The optional properties from {@code keys[0]} on, each at most once, in order. */
        private String optionalChain(List<String> keys, boolean firstIsOptional, Map<String, String> kvRules, String name) {
            if (keys.isEmpty()) {
                return "";
            }
            String k = keys.getFirst();
            String kv = kvRules.get(k);
            String commaRef = "( \",\" space " + kv + " )";
            String res = firstIsOptional ? commaRef + (k.equals("*") ? "*" : "?")
                    : kv + (k.equals("*") ? " " + commaRef + "*" : "");
            if (keys.size() > 1) {
                res += " " + addRule(name + (name.isEmpty() ? "" : "-") + k + "-rest",
                        optionalChain(keys.subList(1, keys.size()), true, kvRules, name));
            }
            return res;
        }

        /**
         * A JSON string (with its quotes and trailing space) that is none of {@code names}: a
         * trie of the names, each node allowing any character but the ones that keep
         * following a name. Works on the names' JSON spelling.
         */
        private String notStrings(List<String> names) {
            Trie trie = new Trie();
            for (String n : names) {
                String spelled = json(JSON.getNodeFactory().textNode(n));
                trie.insert(spelled.substring(1, spelled.length() - 1));
            }
            String charRule = addPrimitive("char", JsonGrammarRules.PRIMITIVES.get("char"));
            StringBuilder out = new StringBuilder("[\"] ( ");
            notStringsNode(trie, charRule, out);
            out.append(" )");
            if (!trie.end) {
                out.append('?');
            }
            out.append(" [\"] space");
            return out.toString();
        }

        private void notStringsNode(Trie node, String charRule, StringBuilder out) {
            StringBuilder rejects = new StringBuilder();
            boolean first = true;
            for (Map.Entry<Integer, Trie> kv : node.children.entrySet()) {
                rejects.append(Gbnf.escape(kv.getKey(), true));
                if (!first) {
                    out.append(" | ");
                }
                first = false;
                out.append('[').append(Gbnf.escape(kv.getKey(), true)).append(']');
                if (!kv.getValue().children.isEmpty()) {
                    out.append(" (");
                    notStringsNode(kv.getValue(), charRule, out);
                    out.append(')');
                } else if (kv.getValue().end) {
                    out.append(' ').append(charRule).append('+');
                }
            }
            if (!node.children.isEmpty()) {
                if (!first) {
                    out.append(" | ");
                }
                // any other plain character, or an escape sequence, then anything
                out.append("[^\"\\\\\\x00-\\x1F").append(rejects).append("] ").append(charRule).append('*');
                out.append(" | [\\\\] ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4}) ").append(charRule).append('*');
            }
        }

        private String allOf(JsonNode schema, String name, String ruleName) {
            Set<String> required = new HashSet<>(requiredOf(schema));
            List<Map.Entry<String, JsonNode>> properties = new ArrayList<>();
            JsonNode parts = schema.get("allOf");
            if (parts.size() == 1 && !hasProperties(parts.get(0))) {
                return addRule(ruleName, visit(parts.get(0), name));
            }
            for (JsonNode t : parts) {
                if (t.has("anyOf")) {
                    for (JsonNode tt : t.get("anyOf")) {
                        addComponent(tt, false, properties, required);
                    }
                } else {
                    addComponent(t, true, properties, required);
                }
            }
            return addRule(ruleName, objectRule(properties, required, name, null));
        }

        private boolean hasProperties(JsonNode s) {
            JsonNode resolved = s.has("$ref") ? refs.get(s.get("$ref").asText()) : s;
            return resolved != null && resolved.has("properties");
        }

        private void addComponent(JsonNode comp, boolean isRequired, List<Map.Entry<String, JsonNode>> properties,
                Set<String> required) {
            if (comp.has("$ref")) {
                JsonNode target = refs.get(comp.get("$ref").asText());
                if (target == null) {
                    errors.add("cannot resolve $ref " + comp.get("$ref").asText());
                    return;
                }
                addComponent(target, isRequired, properties, required);
            } else if (comp.has("properties")) {
                Set<String> own = requiredOf(comp);
                comp.get("properties").properties().forEach(p -> {
                    properties.add(p);
                    if (isRequired && own.contains(p.getKey())) {
                        required.add(p.getKey());
                    }
                });
            } else {
                errors.add("allOf is supported for object schemas with properties only, not " + json(comp));
            }
        }

        private String arrayRule(JsonNode schema, String name) {
            JsonNode items = schema.has("items") && !schema.has("prefixItems") ? schema.get("items") : schema.get("prefixItems");
            String prefix = name + (name.isEmpty() ? "" : "-");
            if (items.isArray()) {
                StringBuilder rule = new StringBuilder("\"[\" space ");
                for (int i = 0; i < items.size(); i++) {
                    if (i > 0) {
                        rule.append(" \",\" space ");
                    }
                    rule.append(visit(items.get(i), prefix + "tuple-" + i));
                }
                return rule.append(" \"]\" space").toString();
            }
            String itemRule = visit(items, prefix + "item");
            int min = intOf(schema, "minItems", 0);
            int max = intOf(schema, "maxItems", Integer.MAX_VALUE);
            if (max < min) {
                errors.add("maxItems " + max + " is below minItems " + min);
                return "";
            }
            return "\"[\" space " + buildRepetition(itemRule, min, max, "\",\" space") + " \"]\" space";
        }
    }

    private static final class Trie {
        final Map<Integer, Trie> children = new TreeMap<>();
        boolean end;

        void insert(String s) {
            Trie node = this;
            for (int cp : s.codePoints().toArray()) {
                node = node.children.computeIfAbsent(cp, k -> new Trie());
            }
            node.end = true;
        }
    }
}
