package exo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.topology.ModelShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelRegistryTest {
    private static final List<String> REQUIRED = List.of("stories-260k", "llama-3.2-1b", "llama-3.2-3b",
            "llama-3.1-8b", "llama-3-8b", "llama-3-70b", "llama-3.1-70b", "llama-3.3-70b", "llama-3.1-405b",
            "mistral-7b", "qwen2.5-0.5b", "qwen2.5-7b", "qwen2.5-72b", "qwen3-8b", "qwen3-32b");
    /** Issue 20's mixture-of-experts and Gemma 3 models. */
    static final List<String> MOE_AND_GEMMA = List.of("mixtral-8x7b", "qwen3-30b-a3b", "qwen3-235b-a22b",
            "qwen3-coder-30b-a3b", "qwen3-coder-480b-a35b", "deepseek-v3.1", "deepseek-r1", "kimi-k2", "glm-4.5-air",
            "glm-4.6", "gemma-3-12b", "gemma-3-27b");

    private static String repoYaml() throws IOException {
        return Files.readString(Path.of("models.yaml"));
    }

    @Test
    void everyEntryOfTheRepositoryFileLoads() throws IOException {
        ModelRegistry r = ModelRegistry.parse(repoYaml(), "models.yaml");
        for (String id : REQUIRED) {
            ModelSpec m = r.get(id);
            assertTrue(m.quants().containsKey(m.defaultQuant()), id);
        }
        ModelSpec stories = r.get("stories-260k");
        assertEquals(5, stories.layers());
        assertEquals(64, stories.shape().embedding());
        assertEquals("ggml-org/models", stories.quant(null).repo());
        assertEquals("tinyllamas/stories260K.gguf", stories.quant(null).file());
        assertEquals(1_185_376, stories.quant(null).size());
        for (String id : REQUIRED) {
            if (!id.equals("stories-260k")) {
                ModelSpec m = r.get(id);
                assertTrue(m.quants().containsKey("Q4_K_M") && m.quants().containsKey("Q8_0"), id + " quants");
            }
        }
        assertEquals(128, r.get("qwen3-32b").shape().headDim(), "Qwen3 sets head_dim apart from embedding/heads");
    }

    @Test
    void theMixturesOfExpertsCarryWhatAPlanNeeds() throws IOException {
        ModelRegistry r = ModelRegistry.parse(repoYaml(), "models.yaml");
        for (String id : MOE_AND_GEMMA) {
            ModelSpec m = r.get(id);
            assertTrue(m.quants().containsKey("Q4_K_M"), id);
            assertEquals(m.architecture() != Architecture.GEMMA3, m.shape().experts().present(), id);
            assertEquals(m.shape().experts().present(), m.activeParameters() < m.parameters(), id);
        }
        ModelSpec r1 = r.get("deepseek-r1");
        assertEquals(Architecture.DEEPSEEK2, r1.architecture());
        assertEquals(new ModelShape.Experts(256, 8, 2048, 1, 2048, 3), r1.shape().experts());
        assertEquals(new ModelShape.LatentAttention(1536, 512, 64, 128, 128), r1.shape().latent());
        assertEquals(192, r1.shape().headDim(), "nope + rope");
        assertEquals(576, r1.shape().kvElementsPerTokenPerLayer(), "a latent cache holds kv_lora_rank + rope dims");
        QuantFile q = r1.quant("Q4_K_M");
        assertEquals(9, q.parts());
        assertTrue(q.isGgufSplit());
        assertEquals("Q4_K_M/DeepSeek-R1-0528-Q4_K_M-00009-of-00009.gguf", q.partFiles().getLast());
        QuantFile q235 = r.get("qwen3-235b-a22b").quant("Q4_K_M");
        assertEquals(List.of(29742283872L, 29974106496L, 29933980640L, 29936094304L, 22567608864L), q235.partSizes());
        assertEquals(1, r.get("glm-4.5-air").shape().nextnLayers());
        assertTrue(r.get("glm-4.6").qkNorm() && !r.get("glm-4.5-air").qkNorm());
        ModelShape.SlidingWindow gemma = r.get("gemma-3-27b").shape().window();
        assertEquals(new ModelShape.SlidingWindow(1024, 6), gemma);
        assertTrue(gemma.isLocal(4) && !gemma.isLocal(5) && gemma.isLocal(6), "every sixth layer is global");
        assertEquals(2, r.get("mixtral-8x7b").shape().experts().used());
    }

    /**
     * Both parameter counts of every entry equal a sum over its tensor layout: all tensors, and
     * what one token reads (used/count of each routed-expert tensor), NextN blocks left out.
     */
    @Test
    void parameterCountsAreTheTensorLayoutsSums() throws IOException {
        ModelRegistry r = ModelRegistry.parse(repoYaml(), "models.yaml");
        for (ModelSpec m : r.all()) {
            long total = 0;
            long active = 0;
            ModelShape.Experts e = m.shape().experts();
            for (TensorLayout.Tensor t : m.tensorLayout()) {
                if (exo.gguf.GgufTensorInfo.blockOf(t.name()) >= m.layers()) {
                    continue; // next-token prediction
                }
                total += t.elements();
                active += TensorLayout.isRoutedExperts(t.name()) ? t.elements() / e.count() * e.used() : t.elements();
            }
            assertEquals(m.parameters(), total, m.id() + " parameters");
            assertEquals(m.activeParameters(), active, m.id() + " active parameters");
        }
    }

    @Test
    void theJarCarriesTheSameFile() throws IOException {
        assertEquals(ModelRegistry.parse(repoYaml(), "models.yaml").all(), ModelRegistry.bundled().all());
    }

    @Test
    void unknownIdsSuggestCloseOnes() throws IOException {
        ModelRegistry r = ModelRegistry.parse(repoYaml(), "models.yaml");
        var e = assertThrows(UnknownModelException.class, () -> r.get("lama-3-70b"));
        assertEquals("llama-3-70b", e.suggestions().getFirst());
        assertTrue(r.get("qwen3-8b").id().equals("qwen3-8b"));
        assertTrue(assertThrows(UnknownModelException.class, () -> r.get("qwen")).suggestions().size() > 0);
    }

    /** A copy of models.yaml broken in one place names the model and the field. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'    layers: 16\n'|''|model llama-3.2-1b: field 'layers' is missing",
        "'    layers: 16\n'|'    layers: sixteen\n'|model llama-3.2-1b: field 'layers' must be a positive integer",
        "'    layers: 16\n'|'    layers: -3\n'|model llama-3.2-1b: field 'layers' must be a positive integer",
        "'    architecture: llama\n    layers: 16\n'|'    architecture: gpt5\n    layers: 16\n'|model llama-3.2-1b: field 'architecture': unknown architecture 'gpt5'",
        "'    default_quant: F32\n'|'    default_quant: Q2_K\n'|model stories-260k: field 'default_quant': Q2_K is not among",
        "'    layers: 16\n'|'    layers: 16\n    colour: red\n'|model llama-3.2-1b: has an unknown field 'colour'",
        "'        size: 1185376\n'|'        size: lots\n'|model stories-260k: quant F32: field 'size' must be a positive integer",
        "'    tied_embeddings: false '|'    tied_embeddings: maybe '|model stories-260k: field 'tied_embeddings' must be true or false",
        "'    experts_used: 2\n'|'    experts_used: 9\n'|model mixtral-8x7b: field 'experts_used' (9) must be at most experts (8)",
        "'    experts: 8\n    experts_used: 2\n'|'    experts_used: 2\n'|model mixtral-8x7b: field 'experts_used' needs 'experts'",
        "'    expert_ffn: 14336 '|''|model mixtral-8x7b: field 'expert_ffn' is missing",
        "'    kv_lora_rank: 512\n    rope_dim: 64\n    nope_dim: 128\n    v_head_dim: 128\n    vocab: 129280\n    context: 163840\n    parameters: 671026419200     # 685B'|'    vocab: 129280\n    context: 163840\n    parameters: 671026419200     # 685B'|model deepseek-v3.1: field 'q_lora_rank' needs 'kv_lora_rank'",
        "'    dense_layers: 3\n    q_lora_rank: 1536\n'|'    dense_layers: 61\n    q_lora_rank: 1536\n'|model deepseek-v3.1: field 'dense_layers' (61) must be fewer than layers (61)",
        "'    active_parameters: 3353032704\n'|''|model qwen3-30b-a3b: field 'active_parameters' is missing",
        "'    active_parameters: 3353032704\n'|'    active_parameters: 40000000000\n'|model qwen3-30b-a3b: field 'active_parameters' (40000000000) must be below parameters",
        "'    parameters: 8030261248\n    tied'|'    parameters: 8030261248\n    active_parameters: 1\n    tied'|model llama-3.1-8b: field 'active_parameters' is for mixtures of experts",
        "'    nextn_layers: 1              # blk.46'|'    nextn_layers: 1\n    sliding_window_pattern: 6    # blk.46'|model glm-4.5-air: field 'sliding_window_pattern' needs 'sliding_window'",
        "'    sliding_window: 1024\n    sliding_window_pattern: 6\n    vocab: 262144                # the GGUF'|'    vocab: 262144                # the GGUF'|model gemma-3-12b: field 'sliding_window' is missing",
        "'    head_dim: 128\n    ffn: 12288\n    experts: 128'|'    head_dim: 128\n    ffn: 12288\n    qk_norm: true\n    experts: 128'|model qwen3-235b-a22b: field 'qk_norm' is for glm4moe models",
        "'        part_sizes: [29742283872,'|'        part_sizes: [1,'|model qwen3-235b-a22b: quant Q4_K_M: part_sizes add up to",
        "'Qwen3-235B-A22B-Q4_K_M-00001-of-00005.gguf'|'Qwen3-235B-A22B-Q4_K_M-00001-of-00004.gguf'|model qwen3-235b-a22b: quant Q4_K_M: file 'Q4_K_M/Qwen3-235B-A22B-Q4_K_M-00001-of-00004.gguf' names a different number of parts",
        "'    kv_heads: 4\n    head_dim: 128                # not'|'    kv_heads: 4\n    head_dim: 128\n    kv_lora_rank: 512            # not'|model qwen3-30b-a3b: field 'kv_lora_rank': latent attention is deepseek2's",
    })
    void brokenCopiesGivePreciseErrors(String from, String to, String expected) throws IOException {
        String yaml = repoYaml();
        int at = yaml.indexOf(from);
        assertTrue(at >= 0, "fixture text not found: " + from);
        String broken = yaml.substring(0, at) + to + yaml.substring(at + from.length());
        var e = assertThrows(ModelRegistryException.class, () -> ModelRegistry.parse(broken, "copy.yaml"));
        assertTrue(e.getMessage().startsWith("copy.yaml: ") && e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void notYamlAtAll() {
        var e = assertThrows(ModelRegistryException.class, () -> ModelRegistry.parse("models: [\n  {", "x.yaml"));
        assertTrue(e.getMessage().startsWith("x.yaml: not valid YAML"), e.getMessage());
        var f = assertThrows(ModelRegistryException.class, () -> ModelRegistry.parse("other: 1\n", "x.yaml"));
        assertTrue(f.getMessage().contains("top-level 'models:' list"), f.getMessage());
    }
}
