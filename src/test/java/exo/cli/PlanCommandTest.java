package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PlanCommandTest {
    private static final long GB = 1L << 30;

    @Test
    void threeMachinesAsJson() throws Exception {
        CliRun r = CliRun.of("plan", "llama-3-70b", "--device", "a=64GB", "--device", "b=32GB", "--device", "c=16GB",
                "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("llama-3-70b", j.get("model").asText());
        assertEquals("Q4_K_M", j.get("quant").asText());
        assertEquals(80, j.get("layers").asInt());
        assertTrue(j.get("fits").asBoolean());
        JsonNode nodes = j.get("nodes");
        assertEquals(3, nodes.size());
        String[] names = {"a", "b", "c"};
        String[] roles = {"head", "middle", "tail"};
        // The bytes a token reads shared 64:32:16: 80 layers (a third of them with Q6_K attn_v and ffn_down,
        // which llama.cpp's Q4_K_M gives the first and last eighth and every third layer between) and the
        // tail's Q6_K output head, 1.7 layers' worth. A layer count alone would have given 46/23/11.
        int[] starts = {0, 46, 70};
        int[] ends = {46, 70, 80};
        long[] memory = {64 * GB, 32 * GB, 16 * GB};
        for (int i = 0; i < 3; i++) {
            JsonNode n = nodes.get(i);
            assertEquals(names[i], n.get("name").asText());
            assertEquals(roles[i], n.get("role").asText());
            assertEquals(memory[i], n.get("memory_bytes").asLong());
            assertEquals(starts[i], n.get("start_layer").asInt());
            assertEquals(ends[i], n.get("end_layer").asInt());
            assertEquals(ends[i] - starts[i], n.get("layer_count").asInt());
            assertTrue(n.get("weight_bytes").asLong() > 0 && n.get("kv_bytes").asLong() > 0);
            assertTrue(n.get("fits").asBoolean());
        }
        // 46 layers x 4096 tokens x 8 KV heads x 128 x 2 (K,V) x 4 bytes, split 46/24/10.
        assertEquals(46L * 4096 * 8 * 128 * 2 * 4, nodes.get(0).get("kv_bytes").asLong());
        assertEquals("work", j.get("split_by").asText());
        assertTrue(j.get("sizes").asText().contains("Q4_K_M rules"), j.get("sizes").asText());
        long reads = 0;
        for (JsonNode n : nodes) {
            reads += n.get("active_bytes_per_token").asLong();
            assertEquals(n.get("weight_bytes").asLong() - (n.get("role").asText().equals("head") ? 128256L * 8192 * 144 / 256
                    : 0), n.get("active_bytes_per_token").asLong(), "a dense layer is read in full; the head reads a row");
        }
        assertEquals(reads, j.get("active_bytes_per_token").asLong());
    }

    /** The issue's example: DeepSeek R1 (671B, 61 layers, 3 dense) over 192, 192 and 128 GB. */
    @Test
    void deepSeekR1FitsTheIssuesRing() throws Exception {
        CliRun r = CliRun.of("plan", "deepseek-r1", "--device", "a=192GB", "--device", "b=192GB", "--device",
                "c=128GB", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("fits").asBoolean());
        JsonNode nodes = j.get("nodes");
        assertEquals(61, nodes.get(2).get("end_layer").asInt());
        // Latent attention: 576 values per token per layer, not 128 heads x (192 + 128).
        assertEquals(nodes.get(0).get("layer_count").asLong() * 4096 * 576 * 4, nodes.get(0).get("kv_bytes").asLong());
        long weights = 0;
        for (JsonNode n : nodes) {
            weights += n.get("weight_bytes").asLong();
            assertTrue(n.get("active_bytes_per_token").asLong() * 10 < n.get("weight_bytes").asLong(),
                    "a token reads 8 of 256 experts");
        }
        assertTrue(weights > 400_000_000_000L && weights < 406_000_000_000L, "about 404.5 GB: " + weights);
        CliRun t = CliRun.of("plan", "deepseek-r1", "--device", "a=192GB", "--device", "b=192GB", "--device",
                "c=128GB");
        assertTrue(t.out().contains("ring: a -> b -> c -> a") && t.out().contains("reads/token"), t.out());
    }

    @Test
    void tableDrawsTheRing() {
        CliRun r = CliRun.of("plan", "llama-3-70b", "--device", "a=64GB", "--device", "b=32GB", "--device", "c=16GB",
                "--tail", "a");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("ring: b -> c -> a -> b"), r.out());
        assertTrue(r.out().contains("total: 3 machines, 112.0 GiB memory"), r.out());
    }

    /**
     * A quantization llama.cpp could not write for this shape (Q8_0 rows of 172) has no tensor
     * table to size it by: the plan falls back to the file's average bytes per weight.
     */
    @Test
    void withoutASizeModelThePlanUsesTheAverageBytesPerWeight(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path models = tmp.resolve("models.yaml");
        java.nio.file.Files.writeString(models, exo.TestModels.storiesRegistry("tiny", "Stories", "ggml-org/models",
                "tinyllamas/stories260K.gguf").replace("default_quant: F32", "default_quant: Q8_0")
                .replace("F32: {", "Q8_0: {"));
        CliRun r = CliRun.of("plan", "tiny", "--models-file", models.toString(), "--device", "a=1GB", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("the file's average bytes per weight", j.get("sizes").asText());
        assertTrue(j.get("nodes").get(0).get("weight_bytes").asLong() > 1_000_000, r.out());
    }

    @Test
    void unknownModelIsBadInputWithCloseMatches() {
        CliRun r = CliRun.of("plan", "llama3-70b");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("exo: unknown model 'llama3-70b'; did you mean llama-3-70b"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.err());
    }

    @Test
    void badDeviceValuesAreBadInput() {
        for (String bad : new String[] {"a=lots", "a", "=4GB", "a=", "a b=4GB"}) {
            CliRun r = CliRun.of("plan", "llama-3-8b", "--device", bad);
            assertEquals(2, r.exitCode(), bad);
            assertTrue(r.err().startsWith("exo: Invalid value for option '--device'"), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
        assertEquals(2, CliRun.of("plan", "llama-3-8b", "--device", "a=4GB", "--device", "a=8GB").exitCode());
        assertEquals(2, CliRun.of("plan", "llama-3-8b", "--device", "a=4GB", "--tail", "b").exitCode());
        assertEquals(2, CliRun.of("plan", "llama-3-8b", "--device", "a=4GB", "--quant", "Q3_X").exitCode());
        assertEquals(2, CliRun.of("plan", "llama-3-8b", "--device", "a=4GB", "--context", "0").exitCode());
    }

    @Test
    void aModelThatDoesNotFitExitsOne() throws Exception {
        CliRun r = CliRun.of("plan", "llama-3.1-405b", "--device", "a=64GB", "--device", "b=32GB", "--json");
        assertEquals(1, r.exitCode(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertFalse(j.get("fits").asBoolean());
        assertTrue(j.get("nodes").get(0).get("short_by_bytes").asLong() > 0);
        CliRun t = CliRun.of("plan", "llama-3.1-405b", "--device", "a=64GB");
        assertEquals(1, t.exitCode());
        assertTrue(t.out().contains("short by"), t.out());
    }

    @Test
    void withNoDeviceThisMachinePlansAlone() throws Exception {
        CliRun r = CliRun.of("plan", "stories-260k", "--memory", "2GB", "--json", "--discovery", "static");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out()).get("nodes");
        assertEquals(1, n.size());
        assertEquals("head+tail", n.get(0).get("role").asText());
        assertEquals(2 * GB, n.get(0).get("memory_bytes").asLong());
        assertEquals(5, n.get(0).get("layer_count").asInt());
        assertEquals("ggml/CPU", n.get(0).get("engine").asText(), "auto picks ggml where llama.cpp's library loads");
        JsonNode java = new ObjectMapper().readTree(CliRun.of("plan", "stories-260k", "--memory", "2GB", "--json",
                "--discovery", "static", "--engine", "java").out()).get("nodes");
        assertEquals("java", java.get(0).get("engine").asText());
    }

    @Test
    void selfJoinsAHypotheticalRing() throws Exception {
        CliRun r = CliRun.of("plan", "llama-3-8b", "--device", "big=64GB", "--device", "self=8GB", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode n = new ObjectMapper().readTree(r.out()).get("nodes");
        assertEquals(2, n.size());
        assertEquals(8 * GB, n.get(1).get("memory_bytes").asLong());
        assertTrue(n.get(0).get("engine").isNull(), "a hypothetical machine's engine is unknown");
        assertEquals("ggml/CPU", n.get(1).get("engine").asText());
    }

    @Test
    void modelsListsTheRegistry() throws Exception {
        CliRun r = CliRun.of("models", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode models = new ObjectMapper().readTree(r.out()).get("models");
        assertTrue(models.size() >= 15);
        CliRun t = CliRun.of("models");
        assertTrue(t.out().lines().anyMatch(l -> l.startsWith("llama-3.1-405b") && l.contains("126")), t.out());
        JsonNode r1 = null;
        for (JsonNode m : models) {
            if (m.get("id").asText().equals("deepseek-r1")) {
                r1 = m;
            }
        }
        assertEquals(671_026_419_200L, r1.get("parameters").asLong());
        assertEquals(37_552_297_472L, r1.get("active_parameters").asLong());
        assertEquals(256, r1.get("experts").asInt());
        assertEquals(9, r1.get("quants").get(0).get("parts").asInt());
        assertTrue(t.out().lines().anyMatch(l -> l.startsWith("deepseek-r1 ") && l.contains("671.0B")
                && l.contains("37.6B") && l.contains("in 9 parts")), t.out());
    }

    @Test
    void noSubcommandOrUnknownOneIsUsage() {
        assertEquals(2, CliRun.of().exitCode());
        CliRun r = CliRun.of("plna");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("plan"), "suggests plan: " + r.err());
    }
}
