package exo.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FileDownloaderTest {
    @TempDir
    Path tmp;

    private FakeHub hub;
    private Path model;
    private String sha;
    private HubCache cache;
    private final List<String> notes = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        model = TestModels.stories260K();
        hub = FakeHub.start();
        sha = hub.add(Hubs.REPO, Hubs.FILE, model);
        cache = new HubCache(tmp.resolve("hub"));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private Path download(FakeHub from) throws IOException {
        return download(Hubs.fast(from.endpoint()));
    }

    private Path download(HfSettings settings) throws IOException {
        try (HfClient client = new HfClient(settings)) {
            return new FileDownloader(client, cache).download(HubFile.main(Hubs.REPO, Hubs.FILE), recorder());
        }
    }

    private ProgressListener recorder() {
        return new ProgressListener() {
            @Override
            public void started(String what, long total, long done) {
            }

            @Override
            public void advanced(long bytes) {
            }

            @Override
            public void finished(boolean ok) {
            }

            @Override
            public void note(String message) {
                notes.add(message);
            }
        };
    }

    @Test
    void aWholeFileLandsInTheHubLayoutAndASecondRunTransfersNothing() throws IOException {
        Path p = download(hub);
        long size = Files.size(model);
        assertEquals(cache.snapshot(Hubs.REPO, FakeHub.COMMIT, Hubs.FILE), p);
        assertTrue(Files.isSymbolicLink(p), "snapshot entries link to blobs as huggingface_hub makes them");
        assertEquals(cache.blob(Hubs.REPO, sha), p.toRealPath());
        assertEquals(sha, Hubs.sha256(p));
        assertEquals(FakeHub.COMMIT, Files.readString(cache.ref(Hubs.REPO, "main")));
        assertFalse(Files.exists(cache.incomplete(Hubs.REPO, sha)));
        assertEquals(p, cache.find(Hubs.REPO, Hubs.FILE).orElseThrow(), "exo run finds it");
        assertEquals(size, hub.bytesSent());
        System.out.println("whole file: sent " + hub.bytesSent() + " bytes for a " + size + "-byte file");

        hub.resetCounters();
        assertEquals(p, download(hub));
        assertEquals(0, hub.bytesSent(), "a second run makes no transfer");
    }

    @Test
    void aPartialFileIsResumedWithARangeRequest() throws IOException {
        byte[] bytes = Files.readAllBytes(model);
        int have = 400_000;
        Path part = cache.incomplete(Hubs.REPO, sha);
        Files.createDirectories(part.getParent());
        Files.write(part, java.util.Arrays.copyOf(bytes, have));
        Path p = download(hub);
        assertEquals(bytes.length - have, hub.bytesSent(), "only the remainder is sent");
        assertEquals(List.of(new FakeHub.Served(sha, have, bytes.length - have)), hub.served());
        assertArrayEquals(bytes, Files.readAllBytes(p));
    }

    @Test
    void aCorruptByteIsCaughtAndTheFileFetchedAgain() throws IOException {
        hub.corrupt(123_456, 1);
        Path p = download(hub);
        assertEquals(sha, Hubs.sha256(p));
        assertEquals(2 * Files.size(model), hub.bytesSent(), "the corrupt copy is thrown away and fetched again");
        assertTrue(notes.stream().anyMatch(n -> n.contains("SHA-256")), notes.toString());
    }

    @Test
    void aFileCorruptTwiceFailsAndNothingIsLeftInPlace() throws IOException {
        hub.corrupt(99, 2);
        HubException e = assertThrows(HubException.class, () -> download(hub));
        assertEquals(HubException.Reason.INTEGRITY, e.reason());
        assertTrue(e.getMessage().contains(sha), e.getMessage());
        assertFalse(Files.exists(cache.blob(Hubs.REPO, sha)));
        assertFalse(Files.exists(cache.incomplete(Hubs.REPO, sha)));
        assertFalse(Files.exists(cache.snapshot(Hubs.REPO, FakeHub.COMMIT, Hubs.FILE)));
    }

    @Test
    void aServerFailingEveryThirdRequestStillDeliversTheFile() throws IOException {
        hub.failEvery(3);
        Path p = download(hub);
        assertEquals(sha, Hubs.sha256(p));
        assertTrue(hub.requests() > 3, "requests: " + hub.requests());
    }

    @Test
    void aStalledConnectionIsAbandonedAfterTheIdleTimeoutAndResumed() throws IOException {
        hub.stallAfter(500_000);
        long t0 = System.nanoTime();
        Path p = download(Hubs.fast(hub.endpoint()).withTimeouts(java.time.Duration.ofSeconds(5),
                java.time.Duration.ofMillis(300)));
        assertEquals(sha, Hubs.sha256(p));
        assertEquals(Files.size(model), hub.bytesSent(), "nothing sent twice");
        // The stalled body is still open (it is logged when the hub closes); the retry resumed at its end.
        assertEquals(List.of(new FakeHub.Served(sha, 500_000, Files.size(model) - 500_000)), hub.served());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
    }

    @Test
    void aFullDiskStopsWithAClearErrorAndTheNextRunResumes() throws IOException {
        long limit = 300_000;
        AtomicLong written = new AtomicLong();
        try (HfClient client = new HfClient(Hubs.fast(hub.endpoint()))) {
            FileDownloader full = new FileDownloader(client, cache, sink -> (offset, bytes) -> {
                if (written.get() + bytes.remaining() > limit) {
                    throw new IOException("No space left on device");
                }
                written.addAndGet(bytes.remaining());
                sink.write(offset, bytes);
            });
            HubException e = assertThrows(HubException.class,
                    () -> full.download(HubFile.main(Hubs.REPO, Hubs.FILE), ProgressListener.NONE));
            assertEquals(HubException.Reason.DISK_FULL, e.reason());
            assertTrue(e.getMessage().contains("no space left") && e.getMessage().contains("resume"), e.getMessage());
        }
        Path part = cache.incomplete(Hubs.REPO, sha);
        assertEquals(written.get(), Files.size(part), "what was written is kept");
        assertFalse(Files.exists(cache.blob(Hubs.REPO, sha)));
        hub.resetCounters();
        Path p = download(hub);
        assertEquals(Files.size(model) - written.get(), hub.bytesSent());
        assertEquals(sha, Hubs.sha256(p));
    }

    @Test
    void theTokenGoesToTheHubButNotToTheCdnItRedirectsTo() throws IOException {
        try (FakeHub cdn = FakeHub.start()) {
            cdn.add(Hubs.REPO, Hubs.FILE, model);
            hub.requireToken("hf_secret").redirectBlobsTo(cdn.endpoint());
            Path p = download(Hubs.fast(hub.endpoint()).withToken("hf_secret", "HF_TOKEN"));
            assertEquals(sha, Hubs.sha256(p));
            assertFalse(cdn.blobAuthHeaders().isEmpty());
            assertTrue(cdn.blobAuthHeaders().stream().allMatch(String::isEmpty), cdn.blobAuthHeaders().toString());
        }
    }

    @Test
    void withoutATokenAGatedModelSaysHowToGiveOne() {
        hub.requireToken("hf_secret");
        HubException e = assertThrows(HubException.class, () -> download(hub));
        assertEquals(HubException.Reason.UNAUTHORIZED, e.reason());
        assertTrue(e.getMessage().contains("HF_TOKEN") && e.getMessage().contains("$HF_HOME/token"), e.getMessage());
        HubException wrong = assertThrows(HubException.class,
                () -> download(Hubs.fast(hub.endpoint()).withToken("hf_wrong", "/home/x/.cache/huggingface/token")));
        assertTrue(wrong.getMessage().contains("refused the token from /home/x/.cache/huggingface/token"),
                wrong.getMessage());
    }

    @Test
    void aMissingFileNamesTheRepositoryAndFile() {
        try (HfClient client = new HfClient(Hubs.fast(hub.endpoint()))) {
            HubException e = assertThrows(HubException.class, () -> new FileDownloader(client, cache)
                    .download(HubFile.main(Hubs.REPO, "nope.gguf"), ProgressListener.NONE));
            assertEquals(HubException.Reason.NOT_FOUND, e.reason());
            assertEquals("nope.gguf was not found in ggml-org/models at revision main (HTTP 404)", e.getMessage());
            HubException repo = assertThrows(HubException.class, () -> new FileDownloader(client, cache)
                    .download(HubFile.main("nobody/nothing", "x.gguf"), ProgressListener.NONE));
            assertTrue(repo.getMessage().startsWith("repository nobody/nothing was not found"), repo.getMessage());
        }
    }

    @Test
    void offlineUsesTheCacheOnlyAndSaysWhenAFileIsMissing() throws IOException {
        HfSettings offline = Hubs.fast(hub.endpoint()).withOffline(true);
        HubException e = assertThrows(HubException.class, () -> download(offline));
        assertEquals(HubException.Reason.OFFLINE_MISSING, e.reason());
        assertTrue(e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
        assertEquals(0, hub.requests());
        Path p = download(hub);
        int before = hub.requests();
        assertEquals(p, download(offline));
        assertEquals(before, hub.requests(), "offline makes no request");
    }

    @Test
    void anUnreachableHubFallsBackToTheCachedCopy() throws IOException {
        Path p = download(hub);
        java.net.URI gone = hub.endpoint();
        hub.close();
        assertEquals(p, download(Hubs.fast(gone)));
        assertTrue(notes.stream().anyMatch(n -> n.contains("using the cached")), notes.toString());
    }

    @Test
    void aSinkThatSeesEveryByteOnceInOrder() throws IOException {
        // The client's contract, relied on by the hashing: ascending, contiguous offsets, even over failures.
        hub.failEvery(3).cut(100_000, 3);
        byte[] bytes = Files.readAllBytes(model);
        ByteBuffer got = ByteBuffer.allocate(bytes.length);
        try (HfClient client = new HfClient(Hubs.fast(hub.endpoint()))) {
            RemoteFile r = client.head(HubFile.main(Hubs.REPO, Hubs.FILE));
            client.fetch(r.pinned(), new ByteRange(1000, bytes.length), (offset, b) -> {
                assertEquals(1000 + got.position(), offset);
                got.put(b);
            });
        }
        List<FakeHub.Served> served = hub.served();
        assertEquals(4, served.size(), "three bodies cut off, the fourth complete: " + served);
        assertEquals(List.of(1000L, 101_000L, 201_000L, 301_000L), served.stream().map(FakeHub.Served::start).toList(),
                "each retry resumes where the last body broke off");
        assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 1000, bytes.length),
                java.util.Arrays.copyOf(got.array(), got.position()));
    }
}
