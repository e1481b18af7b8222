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
                "kv_heads", "head_dim", "ffn", "vocab", "context", "parameters", "active_parameters", "tied_embeddings",
                "default_quant", "quants", "experts", "experts_used", "expert_ffn", "shared_experts",
                "shared_expert_ffn", "dense_layers", "q_lora_rank", "kv_lora_rank", "rope_dim", "nope_dim",
                "v_head_dim", "sliding_window", "sliding_window_pattern", "nextn_layers", "qk_norm");
        private static final List<String> EXPERT_FIELDS = List.of("experts_used", "expert_ffn", "shared_experts",
                "shared_expert_ffn", "dense_layers");
        private static final List<String> LATENT_FIELDS = List.of("q_lora_rank", "rope_dim", "nope_dim", "v_head_dim");
        /** Architectures whose feed-forward is always a mixture of experts. */
        private static final Set<Architecture> MOE = Set.of(Architecture.QWEN2MOE, Architecture.QWEN3MOE,
                Architecture.DEEPSEEK2, Architecture.GLM4MOE);

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
            int layers = positiveInt("layers");
            int heads = positiveInt("heads");
            int embedding = positiveInt("embedding");
            ModelShape.LatentAttention latent = latent(arch);
            int headDim = node.has("head_dim") ? positiveInt("head_dim")
                    : latent.present() ? latent.nopeDim() + latent.ropeDim() : embedding / heads;
            if (latent.present() && headDim != latent.nopeDim() + latent.ropeDim()) {
                throw error("field 'head_dim' (" + headDim + ") must be nope_dim + rope_dim ("
                        + (latent.nopeDim() + latent.ropeDim()) + ") with latent attention");
            }
            ModelShape.Experts experts = experts(arch, layers);
            ModelShape.SlidingWindow window = window(arch);
            int nextn = node.has("nextn_layers") ? nonNegativeInt("nextn_layers") : 0;
            if (nextn > 0 && arch != Architecture.GLM4MOE) {
                throw error("field 'nextn_layers': only glm4moe files carry next-token-prediction layers");
            }
            if (node.has("qk_norm") && arch != Architecture.GLM4MOE) {
                throw error("field 'qk_norm' is for glm4moe models (the other architectures have q/k norms or not by kind)");
            }
            boolean qkNorm = node.has("qk_norm") && bool("qk_norm");
            ModelShape shape;
            try {
                shape = new ModelShape(layers, embedding, heads, positiveInt("kv_heads"), headDim,
                        positiveInt("ffn"), positiveInt("vocab"), bool("tied_embeddings"), experts, latent, window,
                        nextn);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
            long parameters = positiveLong("parameters");
            long active = activeParameters(experts, parameters);
            SequencedMap<String, QuantFile> quants = quants();
            String defaultQuant = text("default_quant");
            if (!quants.containsKey(defaultQuant)) {
                throw error("field 'default_quant': " + defaultQuant + " is not among its quants " + quants.keySet());
            }
            return new ModelSpec(id, text("name"), arch, shape, positiveInt("context"), parameters, active, qkNorm,
                    defaultQuant, quants);
        }

        /** experts, experts_used, expert_ffn, shared_experts, shared_expert_ffn, dense_layers. */
        private ModelShape.Experts experts(Architecture arch, int layers) {
            if (!node.has("experts")) {
                for (String f : EXPERT_FIELDS) {
                    if (node.has(f)) {
                        throw error("field '" + f + "' needs 'experts'");
                    }
                }
                if (MOE.contains(arch)) {
                    throw error("field 'experts' is missing (" + arch.id() + " models are mixtures of experts)");
                }
                return ModelShape.Experts.NONE;
            }
            int count = positiveInt("experts");
            if (count < 2) {
                throw error("field 'experts' must be at least 2, not " + count);
            }
            int used = positiveInt("experts_used");
            if (used > count) {
                throw error("field 'experts_used' (" + used + ") must be at most experts (" + count + ")");
            }
            int ffn = positiveInt("expert_ffn");
            int shared = node.has("shared_experts") ? nonNegativeInt("shared_experts") : 0;
            int sharedFfn;
            if (node.has("shared_expert_ffn")) {
                if (shared == 0) {
                    throw error("field 'shared_expert_ffn' needs 'shared_experts'");
                }
                sharedFfn = positiveInt("shared_expert_ffn");
            } else {
                long width = (long) shared * ffn; // DeepSeek and GLM: one matrix as wide as the shared experts
                if (width > Integer.MAX_VALUE) {
                    throw error("fields 'shared_experts' x 'expert_ffn' (" + width + ") are too large");
                }
                sharedFfn = (int) width;
            }
            int lead = node.has("dense_layers") ? nonNegativeInt("dense_layers") : 0;
            if (lead >= layers) {
                throw error("field 'dense_layers' (" + lead + ") must be fewer than layers (" + layers + ")");
            }
            if (lead > 0 && arch != Architecture.DEEPSEEK2 && arch != Architecture.GLM4MOE) {
                throw error("field 'dense_layers': " + arch.id() + " models have no leading dense layers");
            }
            return new ModelShape.Experts(count, used, ffn, shared, sharedFfn, lead);
        }

        /** kv_lora_rank, q_lora_rank, rope_dim, nope_dim, v_head_dim: DeepSeek's latent attention. */
        private ModelShape.LatentAttention latent(Architecture arch) {
            if (!node.has("kv_lora_rank")) {
                for (String f : LATENT_FIELDS) {
                    if (node.has(f)) {
                        throw error("field '" + f + "' needs 'kv_lora_rank'");
                    }
                }
                if (arch == Architecture.DEEPSEEK2) {
                    throw error("field 'kv_lora_rank' is missing (deepseek2 models use latent attention)");
                }
                return ModelShape.LatentAttention.NONE;
            }
            if (arch != Architecture.DEEPSEEK2) {
                throw error("field 'kv_lora_rank': latent attention is deepseek2's, not " + arch.id() + "'s");
            }
            int q = node.has("q_lora_rank") ? nonNegativeInt("q_lora_rank") : 0;
            return new ModelShape.LatentAttention(q, positiveInt("kv_lora_rank"), positiveInt("rope_dim"),
                    positiveInt("nope_dim"), positiveInt("v_head_dim"));
        }

        /** sliding_window and sliding_window_pattern. */
        private ModelShape.SlidingWindow window(Architecture arch) {
            if (!node.has("sliding_window")) {
                if (node.has("sliding_window_pattern")) {
                    throw error("field 'sliding_window_pattern' needs 'sliding_window'");
                }
                if (arch == Architecture.GEMMA3) {
                    throw error("field 'sliding_window' is missing (gemma3 models interleave local and global layers)");
                }
                return ModelShape.SlidingWindow.NONE;
            }
            return new ModelShape.SlidingWindow(positiveInt("sliding_window"), positiveInt("sliding_window_pattern"));
        }

        /** active_parameters: required for a mixture of experts, absent (all active) for a dense model. */
        private long activeParameters(ModelShape.Experts experts, long parameters) {
            if (!experts.present()) {
                if (node.has("active_parameters")) {
                    throw error("field 'active_parameters' is for mixtures of experts (a dense model uses every weight)");
                }
                return parameters;
            }
            long active = positiveLong("active_parameters");
            if (active >= parameters) {
                throw error("field 'active_parameters' (" + active + ") must be below parameters (" + parameters + ")");
            }
            return active;
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
                    if (!Set.of("repo", "file", "size", "parts", "part_sizes").contains(name)) {
                        throw sub.error("has an unknown field '" + name + "'");
                    }
                }
                try {
                    out.put(quant, new QuantFile(quant, sub.text("repo"), sub.text("file"), sub.positiveLong("size"),
                            e.getValue().has("parts") ? sub.positiveInt("parts") : 1, sub.longList("part_sizes")));
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

        private int nonNegativeInt(String field) {
            JsonNode v = required(field);
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
                throw error("field '" + field + "' must be a whole number, 0 or more, not '" + v.asText() + "'");
            }
            return v.asInt();
        }

        /** An optional list of positive integers (empty when absent). */
        private List<Long> longList(String field) {
            JsonNode v = node.get(field);
            if (v == null) {
                return List.of();
            }
            if (!v.isArray() || v.isEmpty()) {
                throw error("field '" + field + "' must be a list of sizes");
            }
            List<Long> out = new ArrayList<>();
            for (JsonNode x : v) {
                if (!x.isIntegralNumber() || !x.canConvertToLong() || x.asLong() <= 0) {
                    throw error("field '" + field + "' must list positive integers, not '" + x.asText() + "'");
                }
                out.add(x.asLong());
            }
            return out;
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
