package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import exo.bench.BenchReport;
import exo.synthetic.SyntheticModel;
import exo.download.ExoProcess;
import exo.gguf.GgmlType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exo bench: its options, its refusals, its report formats, and one run as a process. */
class BenchCommandTest {
    @TempDir
    Path tmp;

    private static String stories() {
        return TestModels.stories260K().toString();
    }

    /** exo bench alone on this machine: static discovery with no peers does not look for a ring. */
    private static CliRun bench(String... args) {
        List<String> all = new ArrayList<>(List.of("bench", "--discovery", "static"));
        all.addAll(Arrays.asList(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static void assertRefused(CliRun r, String fragment) {
        assertEquals(2, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("exo: ") && r.err().contains(fragment), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void badCombinationsAreRefusedInOneLine() throws Exception {
        assertRefused(bench("--model-file", stories(), "-p", "4096"), "test pp4096 needs 4096 positions");
        assertRefused(bench("--model-file", stories(), "-n", "2048", "-p", "0"), "test tg2048 needs 2049 positions");
        assertRefused(bench("--model-file", stories(), "-r", "0"), "--repetitions must be at least 1");
        assertRefused(bench("--model-file", stories(), "-p", "0", "-n", "0"), "no tests");
        assertRefused(bench("--model-file", stories(), "-p", "-5"), "must not be negative");
        assertRefused(bench("--model-file", stories(), "-t", "0"), "--threads must be between 1 and 1024");
        assertRefused(bench("--model-file", stories(), "--sessions", "0"), "--sessions must be between 1 and 256");
        assertRefused(bench("--model-file", stories(), "--compare", "--engine", "java"), "leave out --engine");
        assertRefused(bench("--model-file", stories(), "--plot", tmp.resolve("x.txt").toString()), ".png or .svg");
        assertRefused(bench("--synthetic", "llama-3.2-1b", "--model-file", stories()), "--synthetic names the model");
        assertRefused(bench(), "name a model");
        assertRefused(bench("--model-file", stories(), "--nodes", "1,2", "--compare"), "--nodes measures one engine");
        assertRefused(bench("--model-file", stories(), "--nodes", "2", "-t", "1,2"), "--nodes measures one engine");
        CliRun alone = bench("--model-file", stories(), "--nodes", "2", "-t", "1", "-r", "1");
        assertEquals(2, alone.exitCode(), alone.err());
        assertEquals("exo: --nodes 2 needs 2 machines; no peer answered", alone.err().strip().lines().toList().getLast());
        assertEquals(2, bench("--model-file", stories(), "--engine", "cuda").exitCode());
        assertEquals(2, bench("--model-file", stories(), "--json", "--csv").exitCode());
    }

    /** An engine that cannot run the file is named, with why; --compare leaves it out instead. */
    @Test
    void anEngineThatCannotRunTheFile() throws Exception {
        Path qwen3 = tmp.resolve("qwen3.gguf"); // newer than the bundled llama.cpp build
        new SyntheticModel(256, 2, 8, 4, 512, 1024, 512, GgmlType.F32, 3).as("qwen3").write(qwen3);
        assertRefused(bench("--model-file", qwen3.toString(), "--engine", "llama.cpp", "-r", "1", "-p", "8", "-n", "2"),
                "the llama.cpp engine cannot run qwen3.gguf");
        CliRun r = bench("--model-file", qwen3.toString(), "--compare", "-r", "1", "-p", "8", "-n", "2", "--json");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("the llama.cpp engine cannot run qwen3.gguf") && r.err().contains("left out"), r.err());
        JsonNode rows = new ObjectMapper().readTree(r.out()).get("results");
        assertEquals(4, rows.size(), "ggml and java, pp8 and tg2");
    }

    @Test
    void reportsInEveryFormat() throws Exception {
        String[] base = {"--model-file", stories(), "-r", "2", "-p", "16,32", "-n", "4", "-t", "1", "--engine",
            "ggml,java", "--sessions", "1,2"};
        CliRun json = bench(concat(base, "--json", "--memory-bandwidth"));
        assertEquals(0, json.exitCode(), json.err());
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertTrue(root.get("bandwidth_bytes_per_second").asDouble() > 1e8, json.out());
        JsonNode rows = root.get("results");
        // per engine: pp16, pp32, tg4 with 1 session, tg4 with 2
        assertEquals(8, rows.size(), json.out());
        Map<String, Integer> perEngine = new HashMap<>();
        for (JsonNode row : rows) {
            perEngine.merge(row.get("engine").asText(), 1, Integer::sum);
            assertEquals("stories260K", row.get("model").asText());
            assertEquals(1185376, row.get("size_bytes").asLong());
            assertEquals(292800, row.get("parameters").asLong());
            assertEquals(1, row.get("threads").asInt());
            assertTrue(row.get("tokens_per_second").asDouble() > 0, row.toString());
            assertTrue(row.get("ttft_ms").asDouble() > 0, row.toString());
            assertTrue(row.get("vs_llama_cpp").isNull(), "no llama.cpp row to compare with");
            boolean tg = row.get("test").asText().startsWith("tg");
            assertEquals(tg, !row.get("bandwidth_share").isNull(), row.toString());
        }
        assertEquals(Map.of("ggml", 4, "java", 4), perEngine);

        CliRun csv = bench(concat(base, "--csv"));
        List<String> lines = csv.out().strip().lines().toList();
        assertEquals(String.join(",", BenchReport.CSV_COLUMNS), lines.getFirst());
        assertEquals(9, lines.size());
        for (String line : lines.subList(1, lines.size())) {
            assertEquals(BenchReport.CSV_COLUMNS.size(), line.split(",", -1).length, line);
        }

        Path md = tmp.resolve("out/report.md");
        Path png = tmp.resolve("out/chart.png");
        CliRun mdRun = bench(concat(base, "--md", "--output", md.toString(), "--plot", png.toString()));
        assertEquals(0, mdRun.exitCode(), mdRun.err());
        assertEquals("", mdRun.out(), "the report went to the file");
        List<String> mdLines = Files.readAllLines(md);
        assertTrue(mdLines.getFirst().startsWith("| model | size | params | engine |"), mdLines.getFirst());
        assertTrue(mdLines.getFirst().endsWith("| of bandwidth |"), "no ring columns without a ring: " + mdLines.getFirst());
        assertEquals(10, mdLines.size(), String.join("\n", mdLines));
        byte[] image = Files.readAllBytes(png);
        assertTrue(image.length > 1000 && image[1] == 'P' && image[2] == 'N' && image[3] == 'G', "a PNG");

        Path svg = tmp.resolve("chart.svg");
        assertEquals(0, bench(concat(base, "--plot", svg.toString())).exitCode());
        assertTrue(Files.readString(svg).contains("<svg"), "an SVG");
    }

    /** The whole command as a user runs it: every engine side by side on stories260K, as JSON. */
    @Test
    void compareAsAProcess() throws Exception {
        ExoProcess.Result r = ExoProcess.run(tmp, Map.of(), "bench", "--model-file", stories(), "--compare", "--json",
                "-r", "2", "-p", "256", "-n", "16");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode rows = new ObjectMapper().readTree(r.out()).get("results");
        assertEquals(6, rows.size(), r.out());
        Map<String, Double> pp = new HashMap<>();
        Map<String, Double> tg = new HashMap<>();
        for (JsonNode row : rows) {
            double tps = row.get("tokens_per_second").asDouble();
            assertTrue(tps > 0, row.toString());
            (row.get("test").asText().equals("pp256") ? pp : tg).put(row.get("engine").asText(), tps);
            if (row.get("engine").asText().equals("llama.cpp")) {
                assertEquals(1.0, row.get("vs_llama_cpp").asDouble(), 1e-9);
            } else {
                assertTrue(row.get("vs_llama_cpp").asDouble() > 0, row.toString());
            }
        }
        // Speeds are compared in benchmarks, never in tests: here each engine measured both tests.
        assertEquals(pp.keySet(), tg.keySet(), r.out());
        assertEquals(java.util.Set.of("ggml", "llama.cpp", "java"), pp.keySet(), r.out());
    }

    /** --synthetic writes the model once under the exo home, says where and how large, then reuses it. */
    @Test
    void syntheticModelsAreWrittenOnceAndReused() throws Exception {
        Map<String, String> env = Map.of("EXO_HOME", tmp.resolve("home").toString());
        String[] args = {"bench", "--synthetic", "stories-260k", "--quant", "F32", "--engine", "ggml", "-r", "1",
            "-p", "8", "-n", "2", "--json", "--discovery", "static"};
        ExoProcess.Result first = ExoProcess.run(tmp, env, args);
        assertEquals(0, first.exitCode(), first.err());
        Path file = tmp.resolve("home/synthetic/stories-260k-F32.gguf");
        assertTrue(first.err().contains("writing a synthetic stories-260k F32 (random weights, 1.1 MiB) to " + file),
                first.err());
        assertTrue(Files.size(file) > 1_000_000, "the stories260K shape in F32");
        assertEquals(2, new ObjectMapper().readTree(first.out()).get("results").size(), "pp8 and tg2");
        ExoProcess.Result second = ExoProcess.run(tmp, env, args);
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(second.err().contains("using the synthetic stories-260k F32 at " + file), second.err());
        assertFalse(second.err().contains("writing"), second.err());
    }

    @Test
    void aSyntheticModelThatDoesNotFitIsRefusedBeforeAnythingIsWritten() throws Exception {
        var spec = exo.models.ModelRegistry.load(Path.of("models.yaml")).get("llama-3.1-8b");
        var files = new exo.synthetic.SyntheticFiles(tmp.resolve("synthetic"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> files.ensure(spec, "Q4_K_M", 1L << 30, line -> { }));
        assertTrue(e.getMessage().startsWith("a synthetic llama-3.1-8b Q4_K_M needs 4.5"), e.getMessage());
        assertTrue(e.getMessage().contains("of memory to run; this machine has 1.00 GiB available"), e.getMessage());
        assertFalse(Files.exists(files.path(spec, "Q4_K_M")));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
