package exo.synthetic;

import exo.gguf.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Small random-weight models of every architecture exo runs, in the shapes the tests use
 * (GQA, experts 8/16/64/128 with top-2/4/8, dense lead 0/1/3, shared 0/1/2, K-quant and Q8_0
 * mixes), each written once per directory. {@link Case#llamaCpp} says whether llama.cpp b4916
 * (the bindings' build) runs it, so that it is the oracle.
 */
public final class TestArchitectures {
    /** Where the files are written: one directory per JVM, removed when it exits. */
    private static final Path SHARED = Path.of(System.getProperty("java.io.tmpdir"),
            "exo-test-architectures-" + ProcessHandle.current().pid());

    static {
        SHARED.toFile().deleteOnExit();
    }

    private TestArchitectures() {
    }

    /** A named test model; {@code llamaCpp}: b4916 knows the architecture and layout. */
    public record Case(String name, SyntheticModel model, boolean llamaCpp) {
        /**
         * The model's file, written the first time any test of this JVM asks for it (surefire runs
         * the test classes in one JVM, so each file is written once per run).
         */
        public Path file() throws IOException {
            synchronized (Case.class) {
                Path p = Files.createDirectories(SHARED).resolve(name + "-" + model.mix().name() + ".gguf");
                if (!Files.exists(p)) {
                    model.write(p);
                    p.toFile().deleteOnExit();
                }
                return p;
            }
        }

        @Override
        public String toString() {
            return name + " " + model.mix().name();
        }
    }

    /** Dense base shapes: width 256 (whole K-quant blocks), heads of 64. */
    private static SyntheticModel base(int layers, int heads, int kvHeads, long seed) {
        return new SyntheticModel(256, layers, heads, kvHeads, 256, 320, 256, GgmlType.F32, seed);
    }

    /** Mixtral: llama with 8 experts, top-2 (llama.cpp's 8-expert type rules: attn_v, attn_k Q8_0). */
    public static Case mixtral(String quant) {
        return new Case("mixtral", base(3, 4, 2, 31).withExperts(SyntheticModel.Experts.routed(8, 2, 256))
                .quantized(quant), true);
    }

    /** Qwen2 MoE: biases, 16 experts top-4 of width 128 (rows of 128: K-quant fallbacks), one gated shared expert. */
    public static Case qwen2moe(String quant) {
        return new Case("qwen2moe", base(3, 4, 2, 32).as("qwen2moe")
                .withExperts(SyntheticModel.Experts.routed(16, 4, 128).softmaxUnnormalised(1f).withShared(1))
                .quantized(quant), true);
    }

    /** Qwen3 MoE: Q/K norms, heads wider than dim/heads, 128 experts top-8, renormalised. */
    public static Case qwen3moe(String quant) {
        SyntheticModel m = new SyntheticModel(256, 3, 8, 2, 64, 320, 320, 256, QuantMix.uniform(GgmlType.F32), 33,
                "qwen3moe", false, SyntheticModel.Features.NONE)
                .withExperts(SyntheticModel.Experts.routed(128, 8, 64));
        return new Case("qwen3moe", m.quantized(quant), false);
    }

    /**
     * DeepSeek V3 in b4916's layout (attn_kv_b): latent attention with YaRN, 64 experts top-8,
     * sigmoid scores with the selection bias, renormalised and scaled by 2.5, two shared experts,
     * one leading dense layer.
     */
    public static Case deepseek3(String quant) {
        return new Case("deepseek3", deepseek3Model(false).quantized(quant), true);
    }

    /** The same weights in the layout converted since mid-2025 (attn_k_b, attn_v_b): no b4916 reference. */
    public static Case deepseek3Mla(String quant) {
        return new Case("deepseek3-mla", deepseek3Model(true).quantized(quant), false);
    }

    private static SyntheticModel deepseek3Model(boolean split) {
        return base(4, 4, 4, 34).as("deepseek2")
                .withLatent(new SyntheticModel.Latent(128, 64, 32, 32, 32, split, 4f))
                .withExperts(SyntheticModel.Experts.routed(64, 8, 128).withShared(2).withDenseLead(1).sigmoid(2.5f));
    }

    /** DeepSeek V3's group-limited routing (8 groups, best 4): llama.cpp after b4916 only. */
    public static Case deepseek3Groups(String quant) {
        SyntheticModel m = base(3, 4, 4, 35).as("deepseek2")
                .withLatent(new SyntheticModel.Latent(64, 64, 32, 32, 32, true, 4f))
                .withExperts(SyntheticModel.Experts.routed(64, 8, 128).withShared(1).sigmoid(2.5f).withGroups(8, 4));
        return new Case("deepseek3-groups", m.quantized(quant), false);
    }

    /** DeepSeek V2: softmax routing, no bias, not renormalised, scale 16, one shared expert, no YaRN. */
    public static Case deepseek2(String quant) {
        SyntheticModel m = base(3, 4, 4, 36).as("deepseek2")
                .withLatent(new SyntheticModel.Latent(64, 64, 32, 32, 32, false, 1f))
                .withExperts(SyntheticModel.Experts.routed(8, 2, 128).withShared(1).softmaxUnnormalised(16f));
        return new Case("deepseek2", m.quantized(quant), true);
    }

    /** DeepSeek-V2-Lite's plain query projection (no q_lora_rank; b4916 only knows it by 27 blocks). */
    public static Case deepseek2Lite(String quant) {
        SyntheticModel m = base(3, 4, 4, 40).as("deepseek2")
                .withLatent(new SyntheticModel.Latent(0, 64, 32, 32, 32, false, 1f))
                .withExperts(SyntheticModel.Experts.routed(8, 2, 128).withShared(2).withDenseLead(1)
                        .softmaxUnnormalised(1f));
        return new Case("deepseek2-lite", m.quantized(quant), false);
    }

    /**
     * GLM 4.5: Q/K/V biases, Q/K norms, rope over half of each head, three leading dense layers,
     * sigmoid routing with the selection bias, one shared expert, a prediction block after the layers.
     */
    public static Case glm4moe(String quant) {
        SyntheticModel m = new SyntheticModel(256, 5, 4, 2, 64, 320, 320, 256, QuantMix.uniform(GgmlType.F32), 37,
                "glm4moe", false, SyntheticModel.Features.NONE)
                .withExperts(SyntheticModel.Experts.routed(16, 4, 128).withShared(1).withDenseLead(3).sigmoid(2.5f))
                .withGlm(1, true);
        return new Case("glm4moe", m.quantized(quant), false);
    }

    /** Gemma 3: seven layers (layer 5 global, the others a window of 8), GeGLU, tied output. */
    public static Case gemma3(String quant) {
        return new Case("gemma3", base(7, 4, 2, 38).withSlidingWindow(8).as("gemma3").quantized(quant), true);
    }

    /**
     * A small DeepSeek V3 in F32 in either attention layout, the same weights in both: the
     * absorbed layout (no b4916 reference) is checked against the expanded one.
     */
    public static Case latentTwin(boolean split) {
        SyntheticModel m = base(2, 4, 4, 39).as("deepseek2")
                .withLatent(new SyntheticModel.Latent(64, 64, 32, 32, 32, split, 4f))
                .withExperts(SyntheticModel.Experts.routed(4, 2, 64).withShared(1).sigmoid(1.5f));
        return new Case(split ? "latent-split" : "latent-kvb", m, !split);
    }

    /** One case of every architecture, in the mix each is tested in. */
    public static List<Case> all() {
        return List.of(mixtral("Q4_K_M"), qwen2moe("Q4_K_M"), qwen3moe("Q8_0"), deepseek3("Q4_K_M"),
                deepseek3Mla("Q8_0"), deepseek2("Q8_0"), glm4moe("Q4_K_M"), gemma3("Q4_K_M"));
    }
}
