package exo.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.gguf.GgufFile;
import exo.gguf.GgufHeader;
import exo.gguf.GgufTensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `exo download` and `exo plan` on a model published as gguf-split parts: real exo processes, the stand-in hub. */
@Timeout(180)
class SplitDownloadCommandTest {
    private static final String REPO = "test/glm-moe";

    @TempDir
    Path tmp;

    private FakeHub hub;
    private List<Path> parts;
    private Path models;

    @BeforeEach
    void start() throws IOException {
        hub = FakeHub.start();
        Path whole = tmp.resolve("whole.gguf");
        SplitGguf.writeGlmMoe(whole);
        parts = SplitGguf.split(whole, Files.createDirectories(tmp.resolve("parts")), "glm-moe-Q8_0", 30);
        long total = 0;
        for (Path p : parts) {
            hub.add(REPO, "Q8_0/" + p.getFileName(), p);
            total += Files.size(p);
        }
        models = tmp.resolve("models.yaml");
        Files.writeString(models, """
                models:
                  - id: glm-moe
                    name: A glm4moe-shaped test model in 3 parts
                    architecture: glm4moe
                    layers: 3
                    nextn_layers: 1
                    embedding: 64
                    heads: 4
                    kv_heads: 2
                    ffn: 128
                    experts: 4
                    experts_used: 2
                    expert_ffn: 32
                    shared_experts: 1
                    dense_layers: 1
                    vocab: 96
                    context: 256
                    parameters: 200000
                    active_parameters: 150000
                    tied_embeddings: false
                    default_quant: Q8_0
                    quants:
                      Q8_0: {repo: %s, file: Q8_0/glm-moe-Q8_0-00001-of-00003.gguf, size: %d, parts: 3}
                """.formatted(REPO, total));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private ExoProcess.Result exo(String hfHome, String... args) throws Exception {
        return ExoProcess.run(tmp.resolve("logs"), Map.of("HF_ENDPOINT", hub.endpoint().toString(), "HF_HOME",
                tmp.resolve(hfHome).toString(), "EXO_HOME", tmp.resolve("exo").toString(), "EXO_MODELS_FILE",
                models.toString()), args);
    }

    @Test
    void layersOfASplitModelComeAsOneShard() throws Exception {
        ExoProcess.Result r = exo("hf", "download", "glm-moe", "--layers", "1-2");
        assertEquals(0, r.exitCode(), r.err());
        Path shard = Path.of(r.out().strip());
        assertEquals(tmp.resolve("exo/shards/test--glm-moe/Q8_0/glm-moe-Q8_0.layers-1-2.gguf"), shard);
        try (GgufFile s = GgufFile.open(shard)) {
            assertTrue(s.tensors().stream().anyMatch(t -> t.name().startsWith("blk.1.")));
            assertTrue(s.tensors().stream().noneMatch(t -> t.name().startsWith("blk.3.") || t.name().startsWith("blk.0.")));
        }
        ExoProcess.Result bad = exo("hf", "download", "glm-moe", "--layers", "3");
        assertEquals(2, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("not a range of glm-moe's layers 0-2"), bad.err());
    }

    /** The whole model is its parts in the cache; a plan then sizes layers from their tensor tables. */
    @Test
    void theWholeSplitModelDownloadsAsItsPartsAndPlansFromThem() throws Exception {
        ExoProcess.Result fetched = exo("fresh", "plan", "glm-moe", "--device", "a=1GB", "--device", "b=1GB",
                "--fetch-header", "--json");
        assertEquals(0, fetched.exitCode(), fetched.err());
        JsonNode f = new ObjectMapper().readTree(fetched.out());
        assertTrue(f.get("sizes").asText().contains("3 headers read by range"), f.get("sizes").asText());
        assertEquals(headerWeights(), f.get("nodes").get(0).get("weight_bytes").asLong()
                + f.get("nodes").get(1).get("weight_bytes").asLong(), "every layer and the head and output, no NextN");

        ExoProcess.Result r = exo("hf", "download", "glm-moe", "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        Path first = Path.of(r.out().strip());
        assertEquals(tmp.resolve("hf/hub/models--test--glm-moe/snapshots/" + FakeHub.COMMIT
                + "/Q8_0/glm-moe-Q8_0-00001-of-00003.gguf"), first);
        for (Path p : parts) {
            assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(first.resolveSibling(p.getFileName())));
        }
        ExoProcess.Result plan = exo("hf", "plan", "glm-moe", "--device", "a=1GB", "--device", "b=1GB", "--json");
        assertEquals(0, plan.exitCode(), plan.err());
        JsonNode j = new ObjectMapper().readTree(plan.out());
        assertEquals("the cached file's tensor table", j.get("sizes").asText());
        assertEquals(f.get("nodes"), j.get("nodes"), "the cached and the range-read headers give one plan");
    }

    /** Bytes of every tensor a ring loads, from the parts' own headers (NextN block left out). */
    private long headerWeights() throws IOException {
        long sum = 0;
        for (Path p : parts) {
            GgufHeader h = GgufFile.readHeader(p);
            for (GgufTensorInfo t : h.tensors()) {
                sum += t.name().startsWith("blk.3.") ? 0 : t.byteSize();
            }
        }
        return sum;
    }
}
