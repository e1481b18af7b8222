package exo.models;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import exo.topology.ModelShape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;

/**
 * The models users can name, read from models.yaml. Every entry is validated on load and a
 * problem is reported as "SOURCE: model ID: field FIELD ...", so a broken file points at the
 * line to fix rather than at a Jackson stack trace.
 */
public final class ModelRegistry {
    /** The copy of models.yaml built into the jar. */
    public static final String BUNDLED_RESOURCE = "/models.yaml";

    private final SequencedMap<String, ModelSpec> models;

    private ModelRegistry(SequencedMap<String, ModelSpec> models) {
        this.models = models;
    }

    public static ModelRegistry bundled() {
        try (InputStream in = ModelRegistry.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new ModelRegistryException("models.yaml is missing from the exo jar");
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "models.yaml");
        } catch (IOException e) {
            throw new ModelRegistryException("models.yaml: " + e.getMessage());
        }
    }

    public static ModelRegistry load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ModelRegistryException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    public static ModelRegistry parse(String yaml, String source) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ModelRegistryException(source + ": not valid YAML" + where + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.path("models").isArray()) {
            throw new ModelRegistryException(source + ": expected a top-level 'models:' list");
        }
        SequencedMap<String, ModelSpec> models = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode node : root.get("models")) {
            index++;
            String label = node.path("id").isTextual() ? "model " + node.get("id").asText() : "model #" + index;
            Entry e = new Entry(source + ": " + label, node);
            ModelSpec spec = e.toSpec();
            if (models.putIfAbsent(spec.id(), spec) != null) {
                throw new ModelRegistryException(source + ": model " + spec.id() + " is listed twice");
            }
        }
        if (models.isEmpty()) {
            throw new ModelRegistryException(source + ": lists no models");
        }
        return new ModelRegistry(models);
    }

    public List<ModelSpec> all() {
        return List.copyOf(models.values());
    }

    public ModelSpec get(String id) {
        ModelSpec spec = models.get(id);
        if (spec == null) {
            throw new UnknownModelException(id, closestIds(id));
        }
        return spec;
    }

    /** Up to three ids that contain the query or are a few edits away, closest first. */
    public List<String> closestIds(String query) {
        String q = query.toLowerCase(java.util.Locale.ROOT);
        record Scored(String id, int score) {
        }
        List<Scored> scored = new ArrayList<>();
        for (String id : models.keySet()) {
            int d = editDistance(q, id);
            boolean related = id.contains(q) || q.contains(id) || d <= Math.max(2, id.length() / 3);
            if (related) {
                scored.add(new Scored(id, id.contains(q) ? Math.min(d, 1) : d));
            }
        }
        return scored.stream().sorted(Comparator.comparingInt(Scored::score).thenComparing(Scored::id))
                .limit(3).map(Scored::id).toList();
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Reads one model entry field by field so each error names the field. */
    private record Entry(String label, JsonNode node) {
        private static final Set<String> FIELDS = Set.of("id", "name", "architecture", "layers", "embedding", "heads",
                "kv_heads", "head_dim", "ffn", "vocab", "context", "parameters", "tied_embeddings", "default_quant",
                "quants");

        ModelSpec toSpec() {
            if (!node.isObject()) {
                throw error("is not a mapping");
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!FIELDS.contains(f)) {
                    throw error("has an unknown field '" + f + "'");
                }
            }
            String id = text("id");
            if (!id.matches("[a-z0-9][a-z0-9._-]*")) {
                throw error("field 'id' must be lower-case letters, digits, '.', '_' or '-'");
            }
            Architecture arch;
            try {
                arch = Architecture.fromId(text("architecture"));
            } catch (IllegalArgumentException e) {
                throw error("field 'architecture': " + e.getMessage());
            }
            int heads = positiveInt("heads");
            int embedding = positiveInt("embedding");
            int headDim = node.has("head_dim") ? positiveInt("head_dim") : embedding / heads;
            ModelShape shape;
            try {
                shape = new ModelShape(positiveInt("layers"), embedding, heads, positiveInt("kv_heads"), headDim,
                        positiveInt("ffn"), positiveInt("vocab"), bool("tied_embeddings"));
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
            SequencedMap<String, QuantFile> quants = quants();
            String defaultQuant = text("default_quant");
            if (!quants.containsKey(defaultQuant)) {
                throw error("field 'default_quant': " + defaultQuant + " is not among its quants " + quants.keySet());
            }
            return new ModelSpec(id, text("name"), arch, shape, positiveInt("context"), positiveLong("parameters"),
                    defaultQuant, quants);
        }

        private SequencedMap<String, QuantFile> quants() {
            JsonNode q = node.get("quants");
            if (q == null || !q.isObject() || q.isEmpty()) {
                throw error("field 'quants' is missing or empty");
            }
            SequencedMap<String, QuantFile> out = new LinkedHashMap<>();
            Set<String> seen = new HashSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = q.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String quant = e.getKey();
                if (!seen.add(quant.toUpperCase(java.util.Locale.ROOT))) {
                    throw error("field 'quants' lists " + quant + " twice");
                }
                Entry sub = new Entry(label + ": quant " + quant, e.getValue());
                if (!e.getValue().isObject()) {
                    throw sub.error("is not a mapping");
                }
                for (Iterator<String> f = e.getValue().fieldNames(); f.hasNext(); ) {
                    String name = f.next();
                    if (!Set.of("repo", "file", "size", "parts").contains(name)) {
                        throw sub.error("has an unknown field '" + name + "'");
                    }
                }
                try {
                    out.put(quant, new QuantFile(quant, sub.text("repo"), sub.text("file"), sub.positiveLong("size"),
                            e.getValue().has("parts") ? sub.positiveInt("parts") : 1));
                } catch (IllegalArgumentException ex) {
                    throw sub.error(ex.getMessage());
                }
            }
            return out;
        }

        private JsonNode required(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                throw error("field '" + field + "' is missing");
            }
            return v;
        }

        private String text(String field) {
            JsonNode v = required(field);
            if (!v.isTextual() || v.asText().isBlank()) {
                throw error("field '" + field + "' must be a non-empty string");
            }
            return v.asText();
        }

        private long positiveLong(String field) {
            JsonNode v = required(field);
            if (!v.isIntegralNumber() || v.asLong() <= 0 || !v.canConvertToLong()) {
                throw error("field '" + field + "' must be a positive integer, not '" + v.asText() + "'");
            }
            return v.asLong();
        }

        private int positiveInt(String field) {
            long v = positiveLong(field);
            if (v > Integer.MAX_VALUE) {
                throw error("field '" + field + "' is too large");
            }
            return (int) v;
        }

        private boolean bool(String field) {
            JsonNode v = required(field);
            if (!v.isBoolean()) {
                throw error("field '" + field + "' must be true or false");
            }
            return v.asBoolean();
        }

        private ModelRegistryException error(String what) {
            return new ModelRegistryException(label + ": " + what);
        }
    }
}
