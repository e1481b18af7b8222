package exo.engine.model;

import exo.gguf.GgufFormatException;
import exo.gguf.GgufMetadata;
import java.util.Optional;

/**
 * Reads a {@link ModelConfig} from GGUF metadata as llama.cpp's loader reads its hyper-parameters
 * ({@code llama_model::load_hparams} and the context's rope parameters): the same keys, the same
 * defaults, the same per-architecture constants, and scales computed in float in llama.cpp's order
 * so that they have its bits.
 */
final class ConfigReader {
    /** Gemma 3's local layers (b4916 hard-codes them). */
    private static final int GEMMA3_SWA_PATTERN = 6;
    private static final float GEMMA3_LOCAL_ROPE_BASE = 10000f;

    private final GgufMetadata m;
    private final Architecture arch;
    private final String a;

    ConfigReader(GgufMetadata m) {
        this.m = m;
        String name = m.getString("general.architecture")
                .orElseThrow(() -> new GgufFormatException("the file has no general.architecture"));
        this.arch = Architecture.require(name);
        this.a = arch.ggufName();
    }

    ModelConfig read() {
        int dim = required("embedding_length");
        int heads = required("attention.head_count");
        int blocks = required("block_count");
        if (heads < 1 || dim < 1 || blocks < 1) {
            throw new GgufFormatException(a + ".attention.head_count, embedding_length and block_count must be positive, not "
                    + heads + ", " + dim + " and " + blocks);
        }
        int kvHeads = m.getInt(a + ".attention.head_count_kv", heads);
        int headDim = m.getInt(a + ".attention.key_length", dim / heads);
        int valueDim = m.getInt(a + ".attention.value_length", dim / heads);
        int vocab = m.getInt(a + ".vocab_size").orElseGet(() ->
                m.getStringArray("tokenizer.ggml.tokens").map(t -> t.length).orElseThrow(() ->
                        new GgufFormatException("the file has neither " + a + ".vocab_size nor a token list")));
        int context = m.getInt(a + ".context_length", 2048);
        float eps = m.getFloat(a + ".attention.layer_norm_rms_epsilon", 1e-5f);

        Optional<LatentConfig> latent = arch == Architecture.DEEPSEEK2 ? Optional.of(latent(heads)) : Optional.empty();
        if (latent.isPresent()) {
            headDim = latent.get().keyDim();
            valueDim = latent.get().valueDim();
        }
        int ropeDims = m.getInt(a + ".rope.dimension_count", headDim);
        if ((arch == Architecture.LLAMA || arch == Architecture.MISTRAL) && ropeDims != headDim) {
            throw new GgufFormatException("invalid " + a + ".rope.dimension_count " + ropeDims + ", expected " + headDim);
        }
        if (m.contains(a + ".rope.dimension_sections")) {
            throw new UnsupportedModelException("multimodal rope (" + a + ".rope.dimension_sections) is not supported");
        }
        float freqScale = freqScale();
        boolean yarn = scalingType().equals("yarn");
        float attnFactor = m.getFloat(a + ".rope.scaling.attn_factor", 1f);
        float attentionScale = 1f / (float) Math.sqrt(headDim);
        if (arch == Architecture.DEEPSEEK2) {
            // llm_build_deepseek2 pre-scales for YaRN: q.k by mscale^2 and the rotation by the inverse of ggml's own factor.
            float logScale = (float) Math.log(1f / freqScale);
            float mscale = attnFactor * (1f + m.getFloat(a + ".rope.scaling.yarn_log_multiplier", 0f) * logScale);
            attentionScale = 1f * mscale * mscale / (float) Math.sqrt(headDim);
            attnFactor = 1f / (1f + 0.1f * logScale);
        }
        Optional<SlidingWindow> window = Optional.empty();
        if (arch == Architecture.GEMMA3) {
            window = Optional.of(new SlidingWindow(required("attention.sliding_window"), GEMMA3_SWA_PATTERN,
                    GEMMA3_LOCAL_ROPE_BASE, 1f));
            // llama.cpp names 62 blocks "27B", whose queries are scaled by the embedding width per head.
            attentionScale = blocks == 62 ? 1f / (float) Math.sqrt(dim / heads) : 1f / (float) Math.sqrt(headDim);
        }
        RopeConfig rope = new RopeConfig(ropeDims, arch.neoxRope(), m.getFloat(a + ".rope.freq_base", 10000f),
                freqScale, m.getInt(a + ".rope.scaling.original_context_length", context), yarn ? 1f : 0f,
                attnFactor, RopeConfig.BETA_FAST, RopeConfig.BETA_SLOW);

        int layers = blocks;
        if (arch == Architecture.GLM4MOE) {
            // The next-token-prediction block(s) at the end are not a layer of the model.
            int nextn = m.getInt(a + ".nextn_predict_layers", 0);
            if (nextn < 0 || nextn >= blocks) {
                throw new GgufFormatException(a + ".nextn_predict_layers " + nextn + " leaves no layers of " + blocks);
            }
            layers = blocks - nextn;
        }
        Optional<Integer> ffnKey = m.getInt(a + ".feed_forward_length").stream().boxed().findFirst();
        Optional<ExpertConfig> experts = experts(ffnKey.orElse(0));
        boolean denseLayers = experts.isEmpty() || experts.get().denseLead() > 0;
        if (denseLayers && ffnKey.isEmpty()) {
            throw new GgufFormatException("the file lacks " + a + ".feed_forward_length");
        }
        int ffn = ffnKey.filter(f -> f > 0).orElseGet(() -> experts.map(ExpertConfig::ffn).orElse(0));
        float embeddingScale = arch == Architecture.GEMMA3 ? (float) Math.sqrt(dim) : 1f;
        return new ModelConfig(arch, dim, layers, heads, kvHeads, headDim, valueDim, ffn, vocab, context, eps, rope,
                attentionScale, embeddingScale, experts, latent, window);
    }

    private LatentConfig latent(int heads) {
        int ropeDims = required("rope.dimension_count");
        // Files converted since mid-2025 carry the per-head widths under _mla keys and absorb kv_b.
        int keyMla = m.getInt(a + ".attention.key_length_mla", 0);
        int valueMla = m.getInt(a + ".attention.value_length_mla", 0);
        boolean split = keyMla > 0 && valueMla > 0;
        int key = split ? keyMla : required("attention.key_length");
        int value = split ? valueMla : required("attention.value_length");
        if (key <= ropeDims) {
            throw new GgufFormatException("key width " + key + " leaves no unroped part beside " + ropeDims + " roped");
        }
        return new LatentConfig(m.getInt(a + ".attention.q_lora_rank", 0), required("attention.kv_lora_rank"),
                key - ropeDims, ropeDims, value, split);
    }

    /** The routing llama.cpp applies to this architecture, from its keys and the builders' constants. */
    private Optional<ExpertConfig> experts(int ffn) {
        int count = m.getInt(a + ".expert_count", 0);
        int used = m.getInt(a + ".expert_used_count", 0);
        return switch (arch) {
            case LLAMA, MISTRAL -> count == 0 && used == 0 ? Optional.empty()
                    // Mixtral: llama's graph with softmax over all experts, top-k renormalised; the expert width is ffn.
                    : Optional.of(new ExpertConfig(count, used, ffn, 0, 0, 0, ExpertConfig.Gating.SOFTMAX, true, 0,
                            0, 0, false));
            case QWEN2MOE -> {
                int expertFfn = m.getInt(a + ".expert_feed_forward_length", used > 0 ? ffn / used : 0);
                yield Optional.of(new ExpertConfig(count, used, expertFfn, 1,
                        m.getInt(a + ".expert_shared_feed_forward_length", ffn), 0, ExpertConfig.Gating.SOFTMAX,
                        false, 0, 0, 0, false));
            }
            case QWEN3MOE -> Optional.of(new ExpertConfig(count, used,
                    m.getInt(a + ".expert_feed_forward_length", used > 0 ? ffn / used : 0), 0, 0, 0,
                    ExpertConfig.Gating.SOFTMAX, true, m.getFloat(a + ".expert_weights_scale", 0f), 0, 0, true));
            case DEEPSEEK2 -> {
                int expertFfn = required("expert_feed_forward_length");
                int shared = required("expert_shared_count");
                ExpertConfig.Gating gating = ExpertConfig.Gating.of(m.getInt(a + ".expert_gating_func", 0));
                // b4916 multiplies by the scale always; by 1.0 that changes no bit, so the 0-or-1 rule holds.
                float scale = m.getFloat(a + ".expert_weights_scale").orElseThrow(() ->
                        new GgufFormatException("the file lacks " + a + ".expert_weights_scale"));
                boolean split = m.getInt(a + ".attention.key_length_mla", 0) > 0;
                yield Optional.of(new ExpertConfig(count, used, expertFfn, shared, shared * expertFfn,
                        required("leading_dense_block_count"), gating,
                        m.getBool(a + ".expert_weights_norm").orElse(false), scale,
                        m.getInt(a + ".expert_group_count", 0), m.getInt(a + ".expert_group_used_count", 0), split));
            }
            case GLM4MOE -> {
                int expertFfn = required("expert_feed_forward_length");
                int shared = required("expert_shared_count");
                int gating = m.getInt(a + ".expert_gating_func", 0);
                yield Optional.of(new ExpertConfig(required("expert_count"), required("expert_used_count"), expertFfn,
                        shared, shared * expertFfn, m.getInt(a + ".leading_dense_block_count", 0),
                        gating == 0 ? ExpertConfig.Gating.SIGMOID : ExpertConfig.Gating.of(gating),
                        m.getBool(a + ".expert_weights_norm").orElse(false),
                        m.getFloat(a + ".expert_weights_scale", 0f), m.getInt(a + ".expert_group_count", 0),
                        m.getInt(a + ".expert_group_used_count", 0), true));
            }
            case QWEN2, QWEN3, GEMMA3 -> {
                if (count != 0) {
                    throw new GgufFormatException(a + " has no experts, but the file says " + count);
                }
                yield Optional.empty();
            }
        };
    }

    private String scalingType() {
        // b4916 assumes linear scaling when the type is absent.
        return m.getString(a + ".rope.scaling.type").orElse("linear");
    }

    /** llama.cpp's rope_freq_scale: 1 / factor, or 1 when there is no factor or scaling is "none". */
    private float freqScale() {
        String type = scalingType();
        if (!type.equals("none") && !type.equals("linear") && !type.equals("yarn")) {
            throw new UnsupportedModelException("rope scaling '" + type + "' is not supported (none, linear, yarn)");
        }
        float factor = m.getFloat(a + ".rope.scaling.factor").orElseGet(() -> m.getFloat(a + ".rope.scale_linear", 0f));
        if (type.equals("none") || factor == 0) {
            return 1f;
        }
        if (!(factor > 0) || Float.isInfinite(factor)) {
            throw new GgufFormatException(a + ".rope.scaling.factor " + factor + " is not a positive number");
        }
        return 1f / factor;
    }

    private int required(String key) {
        return m.getInt(a + "." + key).orElseThrow(() -> new GgufFormatException("the file lacks " + a + "." + key));
    }
}
