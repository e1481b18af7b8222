package exo.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.engine.llamacpp.LlamaCppNative;
import exo.gguf.GgmlType;
import exo.gguf.GgufFile;
import exo.gguf.GgufHeader;
import exo.gguf.GgufTensorInfo;
import exo.synthetic.SyntheticModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards cut from gguf-split files on the stand-in hub: a glm4moe-shaped model (dense first
 * layer, experts, a next-token-prediction block) cut into parts as llama.cpp's gguf-split
 * does; a layer range is fetched from the parts that hold it and must equal the shard cut
 * from the unsplit file, tensor for tensor and byte for byte.
 */
@Timeout(120)
class SplitShardTest {
    private static final String REPO = "test/glm-moe";
    private static final String WHOLE = "glm-moe-Q8_0.gguf";
    private static final String FIRST = "Q8_0/glm-moe-Q8_0-00001-of-00003.gguf";

    @TempDir
    Path tmp;

    private FakeHub hub;
    private HfClient client;
    private Path whole;
    private List<Path> parts;

    @BeforeEach
    void start() throws IOException {
        hub = FakeHub.start();
        client = new HfClient(Hubs.fast(hub.endpoint()));
        whole = tmp.resolve("whole.gguf");
        SplitGguf.writeGlmMoe(whole);
        parts = SplitGguf.split(whole, Files.createDirectories(tmp.resolve("parts")), "glm-moe-Q8_0", 30);
        assertEquals(3, parts.size());
        hub.add(REPO, WHOLE, whole);
        for (Path p : parts) {
            hub.add(REPO, "Q8_0/" + p.getFileName(), p);
        }
    }

    @AfterEach
    void stop() {
        client.close();
        hub.close();
    }

    private ShardFetcher fetcher(String store) {
        return new ShardFetcher(client, new HubCache(tmp.resolve("hub")), new ShardStore(tmp.resolve(store)));
    }

    @Test
    void aShardFromSplitPartsEqualsTheShardOfTheWholeFile() throws Exception {
        Path fromWhole = fetcher("a").fetch(HubFile.main(REPO, WHOLE), 1, 3, ProgressListener.NONE);
        hub.resetCounters();
        Path fromParts = fetcher("b").fetch(HubFile.main(REPO, FIRST), 1, 3, ProgressListener.NONE);
        assertEquals(tmp.resolve("b/test--glm-moe/Q8_0/glm-moe-Q8_0.layers-1-2.gguf"), fromParts,
                "named after the model, not its first part");

        try (GgufFile a = GgufFile.open(fromWhole); GgufFile b = GgufFile.open(fromParts)) {
            assertEquals(a.tensors().stream().map(GgufTensorInfo::name).sorted().toList(),
                    b.tensors().stream().map(GgufTensorInfo::name).sorted().toList());
            for (GgufTensorInfo t : a.tensors()) {
                GgufTensorInfo u = b.tensorInfo(t.name());
                assertEquals(t.type(), u.type(), t.name());
                assertArrayEquals(t.dims(), u.dims(), t.name());
                assertArrayEquals(a.tensorData(t).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                        b.tensorData(u).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), t.name());
            }
            assertTrue(b.tensors().stream().noneMatch(t -> t.name().startsWith("blk.3.")),
                    "the next-token-prediction block is in no shard");
            assertTrue(b.tensorInfo("output.weight") != null && b.tensorInfo("token_embd.weight") == null);
            for (String key : List.of(GgufSplit.NO, GgufSplit.COUNT, GgufSplit.TENSORS)) {
                assertFalse(b.metadata().contains(key), "a shard is one file: no " + key);
            }
            assertEquals(4, b.metadata().getInt("glm4moe.block_count").orElseThrow(), "model metadata kept");
            ShardInfo info = ShardInfo.read(b.metadata()).orElseThrow();
            assertEquals(FIRST, info.sourceFile());
            long total = 0;
            StringBuilder etags = new StringBuilder();
            for (Path p : parts) {
                total += Files.size(p);
                etags.append(etags.isEmpty() ? "" : "+").append(Hubs.sha256(p));
            }
            assertEquals(total, info.sourceSize());
            assertEquals(etags.toString(), info.sourceEtag());
        }

        // What crossed the wire: each part's header read, and the slice's tensors (with alignment padding).
        long need = 0;
        long headerReads = 0;
        for (Path p : parts) {
            GgufHeader h = GgufFile.readHeader(p);
            headerReads += Math.min(Files.size(p), ShardFetcher.DEFAULT_FIRST_HEADER_READ);
            for (GgufTensorInfo t : h.tensors()) {
                int block = GgufTensorInfo.blockOf(t.name());
                need += block == 1 || block == 2 || t.name().startsWith("output") ? t.byteSize() : 0;
            }
        }
        System.out.printf("glm-moe layers 1-2 from 3 parts: sent %d bytes for %d bytes of tensors (parts %d bytes)%n",
                hub.bytesSent(), need, parts.stream().mapToLong(SplitShardTest::size).sum());
        assertTrue(hub.bytesSent() <= headerReads + need + 64L * 40, "sent " + hub.bytesSent());

        hub.resetCounters();
        assertEquals(fromParts, fetcher("b").fetch(HubFile.main(REPO, FIRST), 1, 3, ProgressListener.NONE));
        assertEquals(0, hub.bytesSent(), "an up-to-date shard costs HEAD requests only");
    }

    @Test
    void theNextTokenPredictionBlockIsNotALayer() {
        var e = assertThrows(exo.InvalidInputException.class,
                () -> fetcher("a").fetch(HubFile.main(REPO, FIRST), 2, 4, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("of the 3 layers"), e.getMessage());
    }

    @Test
    void aMissingPartIsAHubError() throws IOException {
        hub.close();
        hub = FakeHub.start();
        client.close();
        client = new HfClient(Hubs.fast(hub.endpoint()));
        hub.add(REPO, "Q8_0/" + parts.get(0).getFileName(), parts.get(0));
        hub.add(REPO, "Q8_0/" + parts.get(2).getFileName(), parts.get(2));
        var e = assertThrows(HubException.class,
                () -> fetcher("a").fetch(HubFile.main(REPO, FIRST), 0, 1, ProgressListener.NONE));
        assertEquals(HubException.Reason.NOT_FOUND, e.reason());
        assertTrue(e.getMessage().contains("glm-moe-Q8_0-00002-of-00003.gguf"), e.getMessage());
    }

    /**
     * The parts are what llama.cpp's own loader takes for a split model: opened from the first
     * part, a llama-shaped split file gives the same logits as the whole one.
     */
    @Test
    void llamaCppLoadsTheTestsSplitFilesAsOneModel() throws Exception {
        Path dense = tmp.resolve("dense.gguf");
        new SyntheticModel(64, 4, 4, 2, 128, 300, 64, GgmlType.Q8_0, 3).write(dense);
        List<Path> denseParts = SplitGguf.split(dense, Files.createDirectories(tmp.resolve("dense")), "dense", 12);
        assertTrue(denseParts.size() >= 3);
        int[] tokens = {1, 17, 42, 99};
        float[][] a;
        float[][] b;
        try (LlamaCppNative m = LlamaCppNative.open(dense, 1, 64)) {
            a = m.logits(tokens);
        }
        try (LlamaCppNative m = LlamaCppNative.open(denseParts.getFirst(), 1, 64)) {
            b = m.logits(tokens);
        }
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], "token " + i);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
