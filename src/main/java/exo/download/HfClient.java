package exo.download;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two requests downloads need from a Hugging Face hub: HEAD of a file (its size, etag and
 * the commit its revision points to) and GET of a byte range of it, both at
 * {@code {endpoint}/{repo}/resolve/{revision}/{file}}. Redirects are followed here rather than
 * by HttpClient so that the token is sent only to the hub's own host: LFS files redirect to a
 * CDN, which must not see it. Connection errors and 5xx answers are retried with exponential
 * backoff; a retried GET resumes from the last byte received.
 */
public final class HfClient implements AutoCloseable {
    private static final int MAX_REDIRECTS = 10;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final HfSettings settings;
    private final HttpClient http;

    public HfClient(HfSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.connectTimeout())
                .build();
    }

    public HfSettings settings() {
        return settings;
    }

    /** Size, etag and commit of {@code f}, read from the headers huggingface_hub reads. */
    public RemoteFile head(HubFile f) throws IOException {
        return withRetries("HEAD " + f, () -> headOnce(f), () -> 0);
    }

    /**
     * Fetches {@code range} of {@code f} into {@code sink}. Use a commit-pinned file
     * ({@link RemoteFile#pinned()}) so that every range comes from the same content.
     */
    public void fetch(HubFile f, ByteRange range, RangeSink sink) throws IOException {
        if (range.length() == 0) {
            return;
        }
        long[] at = {range.start()};
        withRetries("GET " + f + " " + range, () -> {
            fetchOnce(f, at, range.end(), sink);
            return null;
        }, () -> at[0]);
    }

    private RemoteFile headOnce(HubFile f) throws IOException {
        URI uri = settings.resolveUri(f);
        String commit = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<Void> r = send(uri, "HEAD", null, HttpResponse.BodyHandlers.discarding());
            HttpHeaders h = r.headers();
            commit = h.firstValue("X-Repo-Commit").orElse(commit);
            int status = r.statusCode();
            boolean linked = h.firstValue("X-Linked-Etag").isPresent() || h.firstValue("X-Linked-Size").isPresent();
            // An LFS file answers 302 to the CDN with its size and hash on the redirect itself;
            // other redirects (a renamed repository) lead to the answer.
            if (isRedirect(status) && !linked) {
                uri = location(uri, h);
                continue;
            }
            if (status / 100 != 2 && !isRedirect(status)) {
                throw statusError(status, f, h);
            }
            String etag = h.firstValue("X-Linked-Etag").or(() -> h.firstValue("ETag"))
                    .map(RemoteFile::normalizeEtag).orElse(null);
            OptionalLong size = longHeader(h, "X-Linked-Size");
            if (size.isEmpty() && !isRedirect(status)) {
                size = longHeader(h, "Content-Length");
            }
            if (etag == null || etag.isEmpty() || size.isEmpty()) {
                throw new HubException(HubException.Reason.HTTP, settings.endpoint() + " gave no "
                        + (etag == null || etag.isEmpty() ? "ETag" : "size") + " for " + f.file() + " in " + f.repo()
                        + "; is HF_ENDPOINT a Hugging Face hub?");
            }
            // A hub without X-Repo-Commit (a plain mirror) gets the revision as asked.
            return new RemoteFile(f, commit != null ? commit : f.revision(), size.getAsLong(), etag);
        }
        throw new HubException(HubException.Reason.HTTP, "too many redirects for " + f);
    }

    /** One GET from {@code at[0]} to {@code end}; {@code at[0]} advances as bytes are delivered. */
    private void fetchOnce(HubFile f, long[] at, long end, RangeSink sink) throws IOException {
        ByteRange want = new ByteRange(at[0], end);
        URI uri = settings.resolveUri(f);
        HttpResponse<BodyReader> r = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            r = send(uri, "GET", want, info -> info.statusCode() / 100 == 2 ? new BodyReader()
                    : BodySubscribers.replacing(null));
            if (!isRedirect(r.statusCode())) {
                break;
            }
            uri = location(uri, r.headers());
        }
        int status = r.statusCode();
        if (isRedirect(status)) {
            throw new HubException(HubException.Reason.HTTP, "too many redirects for " + f);
        }
        if (status / 100 != 2) {
            throw statusError(status, f, r.headers());
        }
        try (BodyReader body = r.body()) {
            long pos = bodyStart(r, want, f);
            List<ByteBuffer> chunk;
            while (at[0] < end && (chunk = body.next(settings.idleTimeout())) != null) {
                for (ByteBuffer b : chunk) {
                    pos = deliver(b, pos, at, end, sink);
                }
            }
        }
        if (at[0] < end) {
            throw new IOException("connection closed at byte " + at[0] + " of " + want);
        }
    }

    /**
     * Passes the part of {@code b} (which starts at file offset {@code pos}) that lies in
     * [at, end) to the sink. A server that ignores Range answers 200 from byte 0, so bytes
     * before {@code at} are skipped rather than trusted to be absent.
     */
    private static long deliver(ByteBuffer b, long pos, long[] at, long end, RangeSink sink) throws IOException {
        long next = pos + b.remaining();
        long from = Math.max(pos, at[0]);
        long to = Math.min(next, end);
        if (from < to) {
            ByteBuffer slice = b.duplicate();
            slice.position(b.position() + (int) (from - pos)).limit(b.position() + (int) (to - pos));
            try {
                sink.write(from, slice);
            } catch (IOException e) {
                throw new SinkFailure(e);
            }
            at[0] = to;
        }
        return next;
    }

    private static long bodyStart(HttpResponse<?> r, ByteRange want, HubFile f) throws HubException {
        if (r.statusCode() != 206) {
            return 0;
        }
        String cr = r.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(cr);
        if (!m.matches() || Long.parseLong(m.group(1)) != want.start()) {
            throw new HubException(HubException.Reason.HTTP, "asked for " + want.header() + " of " + f
                    + " and got Content-Range '" + cr + "'");
        }
        return want.start();
    }

    private <T> HttpResponse<T> send(URI uri, String method, ByteRange range, HttpResponse.BodyHandler<T> handler)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(settings.idleTimeout())
                .header("User-Agent", "exo-java")
                // A compressed body would break byte ranges and the hash check.
                .header("Accept-Encoding", "identity");
        if (range != null) {
            b.header("Range", range.header());
        }
        if (settings.token().isPresent() && sameOrigin(uri, settings.endpoint())) {
            b.header("Authorization", "Bearer " + settings.token().get());
        }
        try {
            return http.send(b.build(), handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download interrupted");
        }
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI location(URI base, HttpHeaders h) throws HubException {
        String loc = h.firstValue("Location").orElseThrow(
                () -> new HubException(HubException.Reason.HTTP, "redirect without a Location from " + base));
        return base.resolve(loc);
    }

    private static OptionalLong longHeader(HttpHeaders h, String name) {
        Optional<String> v = h.firstValue(name);
        try {
            return v.isPresent() ? OptionalLong.of(Long.parseLong(v.get().strip())) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The error for a final answer that is not a success: retryable for 5xx and 429. */
    private IOException statusError(int status, HubFile f, HttpHeaders h) {
        if (status >= 500 || status == 429) {
            return new RetryableStatus(status, f);
        }
        String code = h.firstValue("X-Error-Code").orElse("");
        return HubErrors.forStatus(status, code, f, settings);
    }

    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code attempt} until it succeeds, retrying connection errors and 5xx with backoff.
     * The count of failures starts again whenever an attempt made progress, so a long download
     * over a flaky link keeps going as long as bytes keep coming.
     */
    private <T> T withRetries(String what, Attempt<T> attempt, java.util.function.LongSupplier progress)
            throws IOException {
        int failures = 0;
        long seen = progress.getAsLong();
        while (true) {
            try {
                T result = attempt.run();
                reached = true;
                return result;
            } catch (SinkFailure e) {
                throw e.getCause();
            } catch (HubException | InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                long now = progress.getAsLong();
                failures = now > seen ? 1 : failures + 1;
                seen = now;
                java.util.Optional<String> unreachable = unreachable(e);
                // A host that cannot be resolved or connected to at all, never reached by this client:
                // no network, or a wrong endpoint. Said after one quick retry, not after a minute of backoff.
                if (unreachable.isPresent() && !reached && now == 0 && failures >= UNREACHABLE_TRIES) {
                    throw new HubException(HubException.Reason.NETWORK, "cannot reach "
                            + settings.endpoint().getHost() + ": " + unreachable.get() + "; set HF_ENDPOINT for a "
                            + "mirror, or use --model-file with a GGUF on this machine", e);
                }
                if (failures >= settings.retry().attempts()) {
                    throw new HubException(HubException.Reason.NETWORK, what + " failed after " + failures
                            + " tries: " + describe(e), e);
                }
                java.time.Duration delay = settings.retry().delay(failures);
                sleep(unreachable.isPresent() && !reached ? min(delay, java.time.Duration.ofSeconds(1)) : delay);
            }
        }
    }

    /** Tries before a host never reached is called unreachable. */
    private static final int UNREACHABLE_TRIES = 2;

    /** Whether any request of this client got an answer: after that, failures are transient. */
    private volatile boolean reached;

    /** Why a connection could not be made at all ("no such host", "connection refused"), if that is what failed. */
    private static java.util.Optional<String> unreachable(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
                return java.util.Optional.of("the name does not resolve (no network?)");
            }
            if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException) {
                String m = t.getMessage();
                return java.util.Optional.of(m == null || m.isBlank() ? "cannot connect" : m.toLowerCase(java.util.Locale.ROOT));
            }
        }
        return java.util.Optional.empty();
    }

    private static java.time.Duration min(java.time.Duration a, java.time.Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e instanceof RetryableStatus || m != null && !m.isBlank() ? m : e.getClass().getSimpleName();
    }

    private static void sleep(java.time.Duration d) throws InterruptedIOException {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download interrupted");
        }
    }

    @Override
    public void close() {
        http.close();
    }

    /** A 5xx or 429 answer: the server may recover, so it is retried like a broken connection. */
    private static final class RetryableStatus extends IOException {
        RetryableStatus(int status, HubFile f) {
            super("HTTP " + status + " for " + f);
        }
    }

    /** Carries the sink's own IOException past the retry loop, which must not retry it. */
    private static final class SinkFailure extends IOException {
        SinkFailure(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }
}
