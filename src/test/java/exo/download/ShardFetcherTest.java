package exo.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.synthetic.SyntheticModel;
import exo.engine.Activations;
import exo.engine.java.JavaEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.gguf.GgmlType;
import exo.gguf.GgufArray;
import exo.gguf.GgufFile;
import exo.gguf.GgufHeader;
import exo.gguf.GgufTensorInfo;
import exo.gguf.GgufValue;
import exo.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ShardFetcherTest {
    private static final int[] PROMPT = {1, 403, 407, 261, 378, 436};

    @TempDir
    Path tmp;

    private FakeHub hub;
    private HfClient client;
    private HubCache cache;
    private ShardStore store;

    @BeforeEach
    void start() throws IOException {
        hub = FakeHub.start();
        client = new HfClient(Hubs.fast(hub.endpoint()));
        cache = new HubCache(tmp.resolve("hub"));
        store = new ShardStore(tmp.resolve("exo").resolve("shards"));
    }

    @AfterEach
    void stop() {
        client.close();
        hub.close();
    }

    private ShardFetcher fetcher() {
        return new ShardFetcher(client, cache, store);
    }

    /** Bytes of the tensors layers [start, end) need, counted from the whole file independently. */
    private static long tensorBytes(GgufHeader h, int start, int end, int layers) {
        long sum = 0;
        for (GgufTensorInfo t : h.tensors()) {
            String n = t.name();
            boolean want = n.startsWith("blk.") && Integer.parseInt(n.split("\\.")[1]) >= start
                    && Integer.parseInt(n.split("\\.")[1]) < end
                    || start == 0 && n.equals("token_embd.weight")
                    || end == layers && (n.equals("output_norm.weight") || n.equals("output.weight"));
            sum += want ? t.byteSize() : 0;
        }
        return sum;
    }

    @Test
    void layersTwoToFourOfStoriesTransferOnlyTheirTensorsAndRunBitIdentically() throws Exception {
        Path whole = TestModels.stories260K();
        hub.add(Hubs.REPO, Hubs.FILE, whole);
        GgufHeader h = GgufFile.readHeader(whole);
        Path shard = fetcher().fetch(HubFile.main(Hubs.REPO, Hubs.FILE), 2, 5, ProgressListener.NONE);

        assertEquals(store.root().resolve("ggml-org--models/tinyllamas/stories260K.layers-2-4.gguf"), shard);
        long header = hub.served().stream().filter(s -> s.start() < h.dataOffset()).mapToLong(FakeHub.Served::bytes).sum();
        long tensors = hub.bytesSent() - header;
        long need = tensorBytes(h, 2, 5, 5);
        System.out.printf("stories260K layers 2-4: sent %d bytes = header reads %d + tensor ranges %d "
                + "(tensors %d, file %d, data offset %d)%n", hub.bytesSent(), header, tensors, need, Files.size(whole),
                h.dataOffset());
        assertEquals(ShardFetcher.DEFAULT_FIRST_HEADER_READ, header, "one header read sufficed");
        assertTrue(tensors >= need && tensors <= need + 32L * h.tensors().size(),
                "tensor bytes sent " + tensors + " vs needed " + need + " (alignment padding allowed)");

        try (GgufFile s = GgufFile.open(shard)) {
            ShardInfo info = ShardInfo.read(s.metadata()).orElseThrow();
            assertEquals(new ShardInfo(2, 5, Hubs.REPO, Hubs.FILE, FakeHub.COMMIT, Hubs.sha256(whole), Files.size(whole)),
                    info);
            for (Map.Entry<String, GgufValue> e : h.metadata().asMap().entrySet()) {
                GgufValue got = s.metadata().get(e.getKey()).orElseThrow();
                Object want = e.getValue().value();
                assertTrue(want instanceof GgufArray a && got.value() instanceof GgufArray b
                        ? Objects.deepEquals(a.elements(), b.elements()) : want.equals(got.value()),
                        "metadata " + e.getKey() + " is kept unchanged");
            }
            assertEquals(h.metadata().asMap().size() + 7, s.metadata().asMap().size());
            assertTrue(s.tensorInfo("token_embd.weight") == null && s.tensorInfo("blk.1.attn_q.weight") == null);
            assertEquals(3 * 9 + 2, s.tensors().size());
        }

        try (WorkerPool pool = new WorkerPool(2);
             JavaEngine head = JavaEngine.open(whole, 0, 2, pool, 0);
             JavaEngine fromWhole = JavaEngine.open(whole, 2, 5, pool, 0);
             JavaEngine fromShard = JavaEngine.open(shard, 2, 5, pool, 0)) {
            Activations hidden = head.forward("s", 0, new Activations.Tokens(PROMPT));
            float[] a = ((Activations.Logits) fromWhole.forward("s", 0, hidden, true)).data();
            float[] b = ((Activations.Logits) fromShard.forward("s", 0, hidden, true)).data();
            assertEquals(PROMPT.length * 512, a.length);
            assertArrayEquals(a, b, "a shard's logits are bit-identical to the same slice of the whole file");
        }

        hub.resetCounters();
        int before = hub.requests();
        assertEquals(shard, fetcher().fetch(HubFile.main(Hubs.REPO, Hubs.FILE), 2, 5, ProgressListener.NONE));
        assertEquals(0, hub.bytesSent(), "an up-to-date shard makes no transfer");
        assertEquals(1, hub.requests() - before, "just the HEAD that checks the etag");
    }

    @Test
    void theFirstShardReusesTheTensorBytesOfTheHeaderRead() throws Exception {
        Path whole = TestModels.stories260K();
        hub.add(Hubs.REPO, Hubs.FILE, whole);
        GgufHeader h = GgufFile.readHeader(whole);
        fetcher().fetch(HubFile.main(Hubs.REPO, Hubs.FILE), 0, 2, ProgressListener.NONE);
        long need = tensorBytes(h, 0, 2, 5);
        System.out.printf("stories260K layers 0-1: sent %d bytes for %d bytes of tensors after a %d-byte header%n",
                hub.bytesSent(), need, h.dataOffset());
        assertTrue(hub.bytesSent() <= h.dataOffset() + need + 32L * h.tensors().size(), "sent " + hub.bytesSent());
        assertEquals(0, hub.served().getFirst().start());
        assertTrue(hub.served().stream().skip(1).allMatch(s -> s.start() >= ShardFetcher.DEFAULT_FIRST_HEADER_READ),
                "nothing in the header read is fetched again: " + hub.served());
    }

    @Test
    void aShardWhoseSourceChangedUpstreamIsFetchedAgain() throws Exception {
        Path v1 = tmp.resolve("v1.gguf");
        Path v2 = tmp.resolve("v2.gguf");
        new SyntheticModel(64, 4, 4, 2, 128, 512, 256, GgmlType.Q8_0, 1).write(v1);
        new SyntheticModel(64, 4, 4, 2, 128, 512, 256, GgmlType.Q8_0, 2).write(v2);
        hub.add("test/synthetic", "model.gguf", v1);
        HubFile f = HubFile.main("test/synthetic", "model.gguf");
        Path shard = fetcher().fetch(f, 1, 3, ProgressListener.NONE);
        String etag1 = ShardInfo.read(GgufFile.readHeader(shard).metadata()).orElseThrow().sourceEtag();

        String sha2 = hub.add("test/synthetic", "model.gguf", v2);
        hub.resetCounters();
        assertEquals(shard, fetcher().fetch(f, 1, 3, ProgressListener.NONE));
        assertTrue(hub.bytesSent() > 0, "refetched");
        ShardInfo info = ShardInfo.read(GgufFile.readHeader(shard).metadata()).orElseThrow();
        assertNotEquals(etag1, info.sourceEtag());
        assertEquals(sha2, info.sourceEtag());
        try (GgufFile s = GgufFile.open(shard); GgufFile src = GgufFile.open(v2)) {
            for (GgufTensorInfo t : s.tensors()) {
                assertEquals(src.tensorData(t.name()).asByteBuffer(), s.tensorData(t).asByteBuffer(), t.name());
            }
        }
    }

    @Test
    void firstAndLastShardsOfATiedModelChainToTheWholeModelsLogits() throws Exception {
        Path synthetic = tmp.resolve("synthetic.gguf");
        new SyntheticModel(64, 4, 4, 2, 128, 512, 256, GgmlType.Q8_0, 1).write(synthetic);
        Path tied = tmp.resolve("tied.gguf");
        withoutOutputWeight(synthetic, tied);
        hub.add("test/tied", "tied.gguf", tied);
        HubFile f = HubFile.main("test/tied", "tied.gguf");
        Path first = fetcher().fetch(f, 0, 2, ProgressListener.NONE);
        Path last = fetcher().fetch(f, 2, 4, ProgressListener.NONE);
        try (GgufFile a = GgufFile.open(first); GgufFile b = GgufFile.open(last)) {
            assertTrue(a.tensorInfo("token_embd.weight") != null && a.tensorInfo("output_norm.weight") == null);
            assertTrue(b.tensorInfo("token_embd.weight") != null, "a tied head is the embedding");
            assertTrue(b.tensorInfo("output_norm.weight") != null && b.tensorInfo("blk.1.ffn_up.weight") == null);
        }
        try (WorkerPool pool = new WorkerPool(2);
             JavaEngine whole = JavaEngine.openWhole(tied, pool);
             JavaEngine head = JavaEngine.open(first, 0, 2, pool, 0);
             JavaEngine tail = JavaEngine.open(last, 2, 4, pool, 0)) {
            Activations.Tokens in = new Activations.Tokens(new int[] {1, 300, 301, 302});
            float[] expected = ((Activations.Logits) whole.forward("s", 0, in)).data();
            float[] got = ((Activations.Logits) tail.forward("s", 0, head.forward("s", 0, in))).data();
            assertArrayEquals(expected, got);
        }
    }

    /** Rewrites a GGUF without output.weight, as models with tied embeddings are published. */
    private static void withoutOutputWeight(Path from, Path to) throws IOException {
        try (GgufFile src = GgufFile.open(from)) {
            GgufWriter w = new GgufWriter().putAll(src.metadata());
            for (GgufTensorInfo t : src.tensors()) {
                if (!t.name().equals("output.weight")) {
                    w.addTensor(t.name(), t.type(), t.dims(), src.tensorData(t));
                }
            }
            w.write(to);
        }
    }

    @Test
    void aShardIsCutFromTheWholeFileWhenTheCacheHasIt() throws Exception {
        Path whole = TestModels.stories260K();
        hub.add(Hubs.REPO, Hubs.FILE, whole);
        new FileDownloader(client, cache).download(HubFile.main(Hubs.REPO, Hubs.FILE), ProgressListener.NONE);
        hub.resetCounters();
        Path shard = fetcher().fetch(HubFile.main(Hubs.REPO, Hubs.FILE), 0, 3, ProgressListener.NONE);
        assertEquals(0, hub.bytesSent());
        assertEquals(List.of(), hub.served());
        try (GgufFile s = GgufFile.open(shard)) {
            assertTrue(s.tensorInfo("token_embd.weight") != null && s.tensorInfo("output.weight") == null);
        }
    }

    @Test
    void manySmallPiecesOverAFlakyServerGiveTheSameShard() throws Exception {
        Path whole = TestModels.stories260K();
        hub.add(Hubs.REPO, Hubs.FILE, whole);
        HubFile f = HubFile.main(Hubs.REPO, Hubs.FILE);
        Path clean = fetcher().fetch(f, 1, 4, ProgressListener.NONE);
        byte[] expected = Files.readAllBytes(clean);
        Files.delete(clean);
        hub.failEvery(3).cut(5000, 4);
        hub.resetCounters();
        // Four fetches at once share the server's request count, so one piece can draw several
        // failures in a row: allow more tries than a sequential download needs.
        Path flaky;
        try (HfClient patient = new HfClient(Hubs.fast(hub.endpoint())
                .withRetry(new RetryPolicy(12, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5))))) {
            flaky = new ShardFetcher(patient, cache, store, 4, 4096, 8192).fetch(f, 1, 4, ProgressListener.NONE);
        }
        assertTrue(hub.served().size() > 20, "many pieces: " + hub.served().size());
        assertArrayEquals(expected, Files.readAllBytes(flaky));
        try (var files = Files.list(flaky.getParent())) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertFalse(names.stream().anyMatch(n -> n.endsWith(".download") || n.endsWith(".part")), names.toString());
        }
    }

    @Test
    void layersTheModelDoesNotHaveAreRefused() throws IOException {
        hub.add(Hubs.REPO, Hubs.FILE, TestModels.stories260K());
        HubFile f = HubFile.main(Hubs.REPO, Hubs.FILE);
        exo.InvalidInputException e = assertThrows(exo.InvalidInputException.class,
                () -> fetcher().fetch(f, 3, 6, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("5 layers"), e.getMessage());
    }

    @Test
    void offlineUsesAnExistingShardAndNamesAMissingOne() throws IOException {
        hub.add(Hubs.REPO, Hubs.FILE, TestModels.stories260K());
        HubFile f = HubFile.main(Hubs.REPO, Hubs.FILE);
        try (HfClient offline = new HfClient(Hubs.fast(hub.endpoint()).withOffline(true))) {
            ShardFetcher off = new ShardFetcher(offline, cache, store);
            HubException e = assertThrows(HubException.class, () -> off.fetch(f, 0, 1, ProgressListener.NONE));
            assertEquals(HubException.Reason.OFFLINE_MISSING, e.reason());
            Path shard = fetcher().fetch(f, 0, 1, ProgressListener.NONE);
            int before = hub.requests();
            assertEquals(shard, off.fetch(f, 0, 1, ProgressListener.NONE));
            assertEquals(before, hub.requests());
        }
    }
}
