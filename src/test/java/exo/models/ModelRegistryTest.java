package exo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
