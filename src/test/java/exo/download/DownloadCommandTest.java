package exo.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.synthetic.SyntheticModel;
import exo.cli.CommandFactory;
import exo.gguf.GgmlType;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `exo download` end to end: real exo processes against the fake hub. */
@Timeout(180)
class DownloadCommandTest {
    private static final String SYNTHETIC_REPO = "test/synthetic";
    private static final String SYNTHETIC_FILE = "synthetic-Q8_0.gguf";

    @TempDir
    Path tmp;

    private FakeHub hub;
    private Path synthetic;
    private Path models;

    @BeforeEach
    void start() throws IOException {
        hub = FakeHub.start();
        synthetic = tmp.resolve("synthetic.gguf");
        // About 4 MiB, so that a download can be caught halfway.
        new SyntheticModel(256, 4, 4, 2, 512, 2048, 256, GgmlType.Q8_0, 1).write(synthetic);
        hub.add(SYNTHETIC_REPO, SYNTHETIC_FILE, synthetic);
        models = tmp.resolve("models.yaml");
        Files.writeString(models, """
                models:
                  - id: synthetic
                    name: Synthetic Q8_0
                    architecture: llama
                    layers: 4
                    embedding: 256
                    heads: 4
                    kv_heads: 2
                    ffn: 512
                    vocab: 2048
                    context: 256
                    parameters: 4000000
                    tied_embeddings: false
                    default_quant: Q8_0
                    quants:
                      Q8_0: {repo: %s, file: %s, size: %d}
                  - id: missing
                    name: Not on the hub
                    architecture: llama
                    layers: 4
                    embedding: 256
                    heads: 4
                    kv_heads: 2
                    ffn: 512
                    vocab: 2048
                    context: 256
                    parameters: 4000000
                    tied_embeddings: false
                    default_quant: Q8_0
                    quants:
                      Q8_0: {repo: %s, file: no-such.gguf, size: 1000}
                """.formatted(SYNTHETIC_REPO, SYNTHETIC_FILE, Files.size(synthetic), SYNTHETIC_REPO));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private Map<String, String> env() {
        return Map.of("HF_ENDPOINT", hub.endpoint().toString(), "HF_HOME", tmp.resolve("hf").toString(),
                "EXO_HOME", tmp.resolve("exo").toString(), "EXO_MODELS_FILE", models.toString());
    }

    private ExoProcess.Result exo(String... args) throws Exception {
        return ExoProcess.run(tmp.resolve("logs"), env(), args);
    }

    private Path blob() throws IOException {
        return new HubCache(tmp.resolve("hf").resolve("hub")).blob(SYNTHETIC_REPO, Hubs.sha256(synthetic));
    }

    private Path partial() throws IOException {
        return new HubCache(tmp.resolve("hf").resolve("hub")).incomplete(SYNTHETIC_REPO, Hubs.sha256(synthetic));
    }

    @Test
    void downloadPrintsThePathAndShowsProgressLinesWhenNotOnATerminal() throws Exception {
        ExoProcess.Result r = exo("download", "synthetic");
        assertEquals(0, r.exitCode(), r.err());
        Path p = Path.of(r.out().strip());
        assertEquals(tmp.resolve("hf/hub/models--test--synthetic/snapshots/" + FakeHub.COMMIT + "/" + SYNTHETIC_FILE), p);
        assertArrayEquals(Files.readAllBytes(synthetic), Files.readAllBytes(p));
        assertTrue(r.err().startsWith(SYNTHETIC_FILE + ": downloading"), r.err());
        assertTrue(r.err().contains(SYNTHETIC_FILE + ": done"), r.err());
        assertFalse(r.err().contains("\r"), "no bar redrawing into a log");

        hub.resetCounters();
        ExoProcess.Result again = exo("download", "synthetic", "--quiet");
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(r.out(), again.out());
        assertEquals("", again.err(), "--quiet shows nothing");
        assertEquals(0, hub.bytesSent());
    }

    @Test
    void aKilledDownloadResumesWhereItStoppedAndEndsByteIdentical() throws Exception {
        long size = Files.size(synthetic);
        long stall = size * 2 / 5;
        hub.stallAfter(stall);
        try (ExoProcess first = ExoProcess.start(tmp.resolve("logs"), env(), "download", "synthetic")) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!(Files.exists(partial()) && Files.size(partial()) == stall)) {
                assertTrue(System.nanoTime() < deadline, "the first run never wrote " + stall + " bytes");
                Thread.sleep(20);
            }
            first.kill();
        }
        assertEquals(stall, Files.size(partial()), "the partial file survives the kill");
        assertFalse(Files.exists(blob()), "nothing is in place before it is whole");

        hub.stallAfter(-1);
        hub.resetCounters();
        ExoProcess.Result r = exo("download", "synthetic", "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        System.out.printf("killed after %d of %d bytes; the second run was sent %d bytes%n", stall, size,
                hub.bytesSent());
        assertEquals(size - stall, hub.bytesSent(), "only the remainder is sent");
        assertEquals(stall, hub.served().getFirst().start());
        assertArrayEquals(Files.readAllBytes(synthetic), Files.readAllBytes(Path.of(r.out().strip())));
        assertFalse(Files.exists(partial()));
    }

    @Test
    void aStoppedDownloadSaysItPausedAndHowToResume() throws Exception {
        long stall = Files.size(synthetic) / 3;
        hub.stallAfter(stall);
        try (ExoProcess first = ExoProcess.start(tmp.resolve("logs"), env(), "download", "synthetic")) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!(Files.exists(partial()) && Files.size(partial()) == stall)) {
                assertTrue(System.nanoTime() < deadline, "the first run never wrote " + stall + " bytes");
                Thread.sleep(20);
            }
            first.stop();
            String err = first.stderr();
            assertTrue(err.strip().endsWith("exo: download paused; run the same command again to resume where it stopped"),
                    err);
        }
        hub.stallAfter(-1);
        ExoProcess.Result r = exo("download", "synthetic");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("resuming at "), r.err());
        assertFalse(r.err().contains("paused"), "a download that ends says nothing of pausing: " + r.err());
    }

    @Test
    void layersGiveAShardUnderTheExoHome() throws Exception {
        ExoProcess.Result r = exo("download", "synthetic", "--layers", "1-2");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(tmp.resolve("exo/shards/test--synthetic/synthetic-Q8_0.layers-1-2.gguf"), Path.of(r.out().strip()));
        assertTrue(r.err().contains("synthetic-Q8_0 layers 1-2: done"), r.err());
        assertTrue(hub.bytesSent() < Files.size(synthetic) * 3 / 4, "sent " + hub.bytesSent());
    }

    /** A shard of every layer (what a chat alone fetches for itself) is a whole model to exo run. */
    @Test
    void runFindsAShardOfAllLayers() throws Exception {
        assertEquals(0, exo("download", "synthetic", "--layers", "0-3", "-q").exitCode());
        ExoProcess.Result r = exo("run", "--discovery", "static", "synthetic", "--prompt", "x", "-n", "2", "--temperature", "0");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("generated 2 tokens") || r.err().contains("generated 1 tokens"), r.err());
    }

    /** exo ls lists what download fetched (whole and shards); exo rm deletes it, blob included. */
    @Test
    void lsListsTheFilesAndRmRemovesThem() throws Exception {
        assertEquals(0, exo("download", "synthetic", "-q").exitCode());
        assertEquals(0, exo("download", "synthetic", "--layers", "2-3", "-q").exitCode());
        ExoProcess.Result ls = exo("ls", "--json");
        assertEquals(0, ls.exitCode(), ls.err());
        var files = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ls.out()).get("files");
        assertEquals(2, files.size(), ls.out());
        assertEquals("synthetic", files.get(0).get("model").asText());
        assertEquals("Q8_0", files.get(0).get("quant").asText());
        assertEquals("all", files.get(0).get("layers").asText());
        assertEquals(Files.size(synthetic), files.get(0).get("size_bytes").asLong());
        assertEquals("2-3", files.get(1).get("layers").asText());
        assertTrue(exo("ls").out().lines().anyMatch(l -> l.startsWith("synthetic") && l.contains("2-3")));

        assertTrue(Files.exists(blob()));
        ExoProcess.Result rm = exo("rm", "synthetic");
        assertEquals(0, rm.exitCode(), rm.err());
        assertTrue(rm.err().strip().endsWith("exo: removed 2 files of synthetic, "
                + exo.cli.ByteSize.format(files.get(0).get("size_bytes").asLong() + files.get(1).get("size_bytes").asLong())),
                rm.err());
        assertFalse(Files.exists(blob()), "the blob no snapshot links to any more is gone");
        assertEquals(0, new com.fasterxml.jackson.databind.ObjectMapper().readTree(exo("ls", "--json").out())
                .get("files").size());
        ExoProcess.Result again = exo("rm", "synthetic");
        assertEquals(1, again.exitCode(), again.err());
        assertEquals("exo: synthetic has no files on this machine (exo ls lists what there is)", again.err().strip());
        assertEquals(2, exo("rm", "synthetic", "--quant", "Q9").exitCode());
    }

    @Test
    void aMissingFileNamesTheRepositoryAndFileAndExitsTwo() throws Exception {
        ExoProcess.Result r = exo("download", "missing");
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("exo: no-such.gguf was not found in test/synthetic at revision main (HTTP 404)", r.err().strip());
    }

    @Test
    void aGatedModelWithoutATokenSaysHowToGiveOneAndExitsOne() throws Exception {
        hub.requireToken("hf_letmein");
        ExoProcess.Result r = exo("download", "synthetic");
        assertEquals(1, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("exo: test/synthetic needs a Hugging Face token"), r.err());
        assertTrue(r.err().contains("HF_TOKEN=") && r.err().contains("$HF_HOME/token"), r.err());

        Files.createDirectories(tmp.resolve("hf"));
        Files.writeString(tmp.resolve("hf/token"), "hf_letmein\n");
        ExoProcess.Result withToken = exo("download", "synthetic", "--quiet");
        assertEquals(0, withToken.exitCode(), withToken.err());
    }

    @Test
    void offlineWithNothingCachedExitsThree() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(env());
        env.put("HF_HUB_OFFLINE", "1");
        ExoProcess.Result r = ExoProcess.run(tmp.resolve("logs"), env, "download", "synthetic");
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains("HF_HUB_OFFLINE"), r.err());
        assertEquals(0, hub.requests());
    }

    /** Checks that need no hub run in this JVM. */
    private static int inProcess(StringWriter err, String... args) {
        return CommandFactory.create(new PrintWriter(new StringWriter()), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void layersOutsideTheModelAreBadInput() {
        StringWriter err = new StringWriter();
        assertEquals(2, inProcess(err, "download", "stories-260k", "--layers", "3-5"));
        assertEquals("exo: --layers 3-5 is not a range of stories-260k's layers 0-4", err.toString().strip());
        StringWriter err2 = new StringWriter();
        assertEquals(2, inProcess(err2, "download", "stories-260k", "--layers", "4-2"));
        StringWriter err3 = new StringWriter();
        assertEquals(2, inProcess(err3, "download", "stories-260k", "--layers", "two"));
        assertTrue(err3.toString().contains("A-B"), err3.toString());
    }

    /**
     * A hub that cannot be reached at all (nothing listens, or the name does not resolve) is
     * named in one line after a quick retry, not after a minute of backoff ending in a bare
     * exception (the process is given 20 s; the backoff alone took 30 s before).
     */
    @Test
    void anUnreachableHubIsNamedQuickly() throws Exception {
        for (String endpoint : java.util.List.of("http://127.0.0.1:9", "http://no-such-host.invalid")) {
            try (ExoProcess p = ExoProcess.start(tmp.resolve("logs"), Map.of("HF_ENDPOINT", endpoint,
                    "HF_HOME", tmp.resolve("hf").toString(), "EXO_HOME", tmp.resolve("exo").toString()),
                    "download", "stories-260k", "-q")) {
                ExoProcess.Result r = p.await(20);
                assertEquals(1, r.exitCode(), r.err());
                String host = java.net.URI.create(endpoint).getHost();
                assertTrue(r.err().strip().startsWith("exo: cannot reach " + host + ": "), r.err());
                assertTrue(r.err().strip().endsWith("set HF_ENDPOINT for a mirror, or use --model-file with a GGUF "
                        + "on this machine"), r.err());
                assertEquals(1, r.err().strip().lines().count(), r.err());
            }
        }
    }

    /** With --plan, this machine fetches the slice exo plan gives it: here the tail, after a larger "big". */
    @Test
    void planFetchesThisMachinesSlice() throws Exception {
        Path stories = TestModels.stories260K();
        hub.add(Hubs.REPO, Hubs.FILE, stories);
        ExoProcess.Result r = ExoProcess.run(tmp.resolve("logs"), Map.of("HF_ENDPOINT", hub.endpoint().toString(),
                "HF_HOME", tmp.resolve("hf").toString(), "EXO_HOME", tmp.resolve("exo").toString()),
                "download", "stories-260k", "--plan", "--device", "big=24GB", "--device", "self=8GB", "-q");
        assertEquals(0, r.exitCode(), r.err());
        // 24:8 over 5 layers and the tail's output head (one block's worth): big holds floor(6 x 24/32) = 4
        // layers, this machine the last.
        assertTrue(r.out().strip().endsWith("stories260K.layers-4-4.gguf"), r.out());
        assertTrue(r.err().contains("holds layers 4-4 of 5 as the tail"), r.err());
        StringWriter err = new StringWriter();
        assertEquals(2, inProcess(err, "download", "stories-260k", "--plan", "--device", "a=8GB"));
        assertTrue(err.toString().contains("gets no layers in that plan; add --device self"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(2, inProcess(err2, "download", "stories-260k", "--device", "a=8GB"));
        assertTrue(err2.toString().contains("go with --plan"), err2.toString());
    }

    @Test
    void storiesLayersTwoToFourThroughTheCli() throws Exception {
        Path stories = TestModels.stories260K();
        hub.add(Hubs.REPO, Hubs.FILE, stories);
        ExoProcess.Result r = ExoProcess.run(tmp.resolve("logs"), Map.of("HF_ENDPOINT", hub.endpoint().toString(),
                "HF_HOME", tmp.resolve("hf").toString(), "EXO_HOME", tmp.resolve("exo").toString()),
                "download", "stories-260k", "--layers", "2-4", "-q");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(tmp.resolve("exo/shards/ggml-org--models/tinyllamas/stories260K.layers-2-4.gguf"),
                Path.of(r.out().strip()));
        assertEquals(65_536 + 676_608, hub.bytesSent());
    }
}
