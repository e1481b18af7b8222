package exo.download;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of the Hugging Face hub that downloads use, on 127.0.0.1 port 0:
 * {@code HEAD|GET /ORG/NAME/resolve/REV/FILE} answers 302 to {@code /blobs/SHA256} with
 * X-Linked-Size, X-Linked-Etag and X-Repo-Commit, as the hub does for LFS files, and
 * {@code GET /blobs/SHA256} serves the bytes, honouring Range with 206. It counts the body
 * bytes it sends and can misbehave on request: fail every Nth request with 500, corrupt one
 * byte once, stall after N bytes, demand a token.
 */
public final class FakeHub implements AutoCloseable {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    /** One body served: which blob, from which offset, how many bytes. */
    record Served(String sha, long start, long bytes) {
    }

    private record Blob(byte[] bytes, String sha) {
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Map<String, Blob> files = new ConcurrentHashMap<>();
    private final Map<String, Blob> blobs = new ConcurrentHashMap<>();
    private final List<Served> served = new ArrayList<>();
    private final List<String> blobAuthHeaders = new ArrayList<>();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);

    private volatile int failEvery;
    private volatile String requiredToken;
    private volatile long corruptAt = -1;
    private final AtomicInteger corruptions = new AtomicInteger();
    private volatile long stallAfter = -1;
    private volatile long cutAfter = -1;
    private final AtomicInteger cuts = new AtomicInteger();
    private volatile URI blobBase;

    private FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
        blobBase = endpoint();
    }

    public static FakeHub start() throws IOException {
        return new FakeHub();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Serves {@code content} as {@code repo}/{@code file}; returns its SHA-256. */
    public String add(String repo, String file, Path content) throws IOException {
        return add(repo, file, Files.readAllBytes(content));
    }

    String add(String repo, String file, byte[] bytes) {
        String sha = sha256(bytes);
        Blob b = new Blob(bytes.clone(), sha);
        files.put(repo + "/" + file, b);
        blobs.put(sha, b);
        return sha;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    FakeHub failEvery(int n) {
        failEvery = n;
        return this;
    }

    FakeHub requireToken(String token) {
        requiredToken = token;
        return this;
    }

    /** The next {@code times} bodies that cover file offset {@code at} have that byte flipped. */
    FakeHub corrupt(long at, int times) {
        corruptions.set(times);
        corruptAt = at;
        return this;
    }

    /** The next {@code times} bodies break off (connection dropped) after {@code bytes} bytes each. */
    FakeHub cut(long bytes, int times) {
        cuts.set(times);
        cutAfter = bytes;
        return this;
    }

    /**
     * The body that reaches this many bytes sent in all stops there, its connection left open
     * until the hub closes; later bodies flow normally.
     */
    FakeHub stallAfter(long bytes) {
        stallAfter = bytes;
        return this;
    }

    /** Redirects blob downloads to another server (a CDN on another origin). */
    FakeHub redirectBlobsTo(URI base) {
        blobBase = base;
        return this;
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    int requests() {
        return requests.get();
    }

    synchronized List<Served> served() {
        return List.copyOf(served);
    }

    /** The Authorization header of each blob request ("" when none was sent). */
    synchronized List<String> blobAuthHeaders() {
        return List.copyOf(blobAuthHeaders);
    }

    synchronized void resetCounters() {
        bytesSent.set(0);
        served.clear();
        blobAuthHeaders.clear();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            int n = requests.incrementAndGet();
            if (failEvery > 0 && n % failEvery == 0) {
                ex.sendResponseHeaders(500, -1);
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/blobs/")) {
                serveBlob(ex, path.substring("/blobs/".length()));
                return;
            }
            Matcher m = RESOLVE.matcher(path);
            if (!m.matches()) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            resolve(ex, m.group(1), m.group(2), m.group(3));
        }
    }

    private void resolve(HttpExchange ex, String repo, String rev, String file) throws IOException {
        if (requiredToken != null
                && !("Bearer " + requiredToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().set("X-Error-Code", "GatedRepo");
            ex.sendResponseHeaders(401, -1);
            return;
        }
        boolean repoKnown = files.keySet().stream().anyMatch(k -> k.startsWith(repo + "/"));
        Blob b = files.get(repo + "/" + file);
        String error = !repoKnown ? "RepoNotFound" : !(rev.equals("main") || rev.equals(COMMIT))
                ? "RevisionNotFound" : b == null ? "EntryNotFound" : null;
        if (error != null) {
            ex.getResponseHeaders().set("X-Error-Code", error);
            ex.sendResponseHeaders(404, -1);
            return;
        }
        var h = ex.getResponseHeaders();
        h.set("X-Repo-Commit", COMMIT);
        h.set("X-Linked-Size", Long.toString(b.bytes().length));
        h.set("X-Linked-Etag", "\"" + b.sha() + "\"");
        h.set("ETag", "\"" + b.sha() + "\"");
        h.set("Location", blobBase + "/blobs/" + b.sha());
        ex.sendResponseHeaders(302, -1);
    }

    private void serveBlob(HttpExchange ex, String sha) throws IOException {
        synchronized (this) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            blobAuthHeaders.add(auth == null ? "" : auth);
        }
        Blob b = blobs.get(sha);
        if (b == null) {
            ex.sendResponseHeaders(404, -1);
            return;
        }
        int size = b.bytes().length;
        int start = 0;
        int end = size;
        String range = ex.getRequestHeaders().getFirst("Range");
        int status = 200;
        if (range != null) {
            Matcher m = RANGE.matcher(range);
            if (!m.matches() || Long.parseLong(m.group(1)) >= size) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            start = Integer.parseInt(m.group(1));
            end = m.group(2).isEmpty() ? size : (int) Math.min(size, Long.parseLong(m.group(2)) + 1);
            status = 206;
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + (end - 1) + "/" + size);
        }
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(end - start));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, end - start);
        long[] sent = {0};
        try {
            stream(ex.getResponseBody(), b.bytes(), start, end, sent);
        } finally {
            synchronized (this) {
                served.add(new Served(sha, start, sent[0]));
            }
        }
    }

    /** Writes bytes [start, end) in small chunks, corrupting, cutting or stalling as asked. */
    private void stream(OutputStream out, byte[] bytes, int start, int end, long[] sent) throws IOException {
        long cut = end - start > cutAfter && cuts.getAndDecrement() > 0 ? cutAfter : Long.MAX_VALUE;
        for (int at = start; at < end; ) {
            if (sent[0] >= cut) {
                out.flush();
                // Leaving the handler short of Content-Length makes the server drop the connection.
                throw new IOException("cut off after " + sent[0] + " bytes");
            }
            int n = (int) Math.min(Math.min(16 * 1024, end - at), cut - sent[0]);
            long stall = stallAfter;
            if (stall >= 0) {
                long left = stall - bytesSent.get();
                if (left <= 0) {
                    out.flush();
                    stallAfter = -1;
                    awaitClose();
                    return;
                }
                n = (int) Math.min(n, left);
            }
            byte[] chunk = java.util.Arrays.copyOfRange(bytes, at, at + n);
            long c = corruptAt;
            if (c >= at && c < at + n && corruptions.getAndDecrement() > 0) {
                chunk[(int) (c - at)] ^= 0x5a;
            }
            out.write(chunk);
            bytesSent.addAndGet(n);
            sent[0] += n;
            at += n;
        }
    }

    private void awaitClose() {
        try {
            closing.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
