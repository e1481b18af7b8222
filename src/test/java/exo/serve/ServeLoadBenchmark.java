package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load run of `exo serve` on stories260K, reported, not asserted: 64 concurrent streams, then
 * 200 requests one after another, with the server's threads and resident memory sampled from
 * /proc throughout, then 1,000 connections that trickle their headers. Every streamed answer is
 * checked against the same request answered alone.
 *
 * <pre>
 * mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) exo.serve.ServeLoadBenchmark
 * </pre>
 */
public final class ServeLoadBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServeLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int streams = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int sequential = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path dir = Files.createTempDirectory("exo-serve-load");
        try (ServeProcess server = ServeProcess.start(dir, List.of(), Map.of(), "--model-file",
                TestModels.stories260K().toString(), "--discovery", "static", "--http-port", "0", "--threads", "1",
                "--max-sessions", "8", "--queue", String.valueOf(streams))) {
            HttpClient http = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newFixedThreadPool(8,
                    Thread.ofPlatform().daemon().factory()))
                    .build();
            Sampler sampler = new Sampler(server);
            sampler.sample();
            String idle = sampler.line("idle");

            sampler.reset();
            Thread sampling = Thread.ofPlatform().daemon().start(sampler::run);
            long t0 = System.nanoTime();
            List<CompletableFuture<String>> answers = new ArrayList<>();
            AtomicInteger failed = new AtomicInteger();
            for (int i = 0; i < streams; i++) {
                answers.add(http.sendAsync(request(server, i, true), HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> {
                            if (r.statusCode() != 200) {
                                failed.incrementAndGet();
                            }
                            return streamedText(r.body());
                        }));
            }
            List<String> texts = new ArrayList<>();
            for (CompletableFuture<String> a : answers) {
                texts.add(a.get(600, TimeUnit.SECONDS));
            }
            double streamSeconds = (System.nanoTime() - t0) / 1e9;
            String streaming = sampler.line(streams + " concurrent streams");

            sampler.reset();
            long[] millis = new long[sequential];
            int mismatched = 0;
            long t1 = System.nanoTime();
            for (int i = 0; i < sequential; i++) {
                long s = System.nanoTime();
                HttpResponse<String> r = http.send(request(server, i, false), HttpResponse.BodyHandlers.ofString());
                millis[i] = (System.nanoTime() - s) / 1_000_000;
                if (r.statusCode() != 200) {
                    failed.incrementAndGet();
                } else if (i < streams && !JSON.readTree(r.body()).get("choices").get(0).get("text").asText()
                        .equals(texts.get(i))) {
                    mismatched++;
                }
            }
            double seqSeconds = (System.nanoTime() - t1) / 1e9;
            String seq = sampler.line(sequential + " sequential requests");
            sampler.stop();
            sampling.join();
            Arrays.sort(millis);
            System.out.printf(Locale.ROOT, "%s%n%s (%.1f s)%n%s (%.1f s; per request p50 %d ms, p99 %d ms)%n"
                            + "failed %d, streamed answers that differ from the same request alone %d of %d%n",
                    idle, streaming, streamSeconds, seq, seqSeconds, millis[sequential / 2],
                    millis[(int) (sequential * 0.99) - 1], failed.get(), mismatched, Math.min(streams, sequential));
            System.out.println(slowloris(server, 1000));
            String metrics = http.send(HttpRequest.newBuilder(URI.create(server.url("/metrics"))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            metrics.lines().filter(l -> l.startsWith("exo_generated_tokens_total") || l.startsWith("exo_node_busy_share")
                    || l.startsWith("exo_http_requests_total")).forEach(System.out::println);
        }
    }

    /**
     * {@code n} connections that send half a request line and then nothing (the default limits:
     * 128 per address, a 10 s header timeout): how many were refused at once, how long the rest
     * lasted, and the server's threads meanwhile.
     */
    private static String slowloris(ServeProcess server, int n) throws Exception {
        int before = server.threads();
        List<java.net.Socket> sockets = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            java.net.Socket s = new java.net.Socket("127.0.0.1", server.port());
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-".getBytes());
            s.setSoTimeout(1);
            sockets.add(s);
        }
        int peak = server.threads();
        int refused = 0;
        List<java.net.Socket> open = new ArrayList<>(sockets);
        while (!open.isEmpty() && System.nanoTime() - t0 < 60_000_000_000L) {
            peak = Math.max(peak, server.threads());
            var it = open.iterator();
            while (it.hasNext()) {
                java.net.Socket s = it.next();
                try {
                    int b = s.getInputStream().read();
                    if (b == 'H') {
                        refused++; // "HTTP/1.1 503": over the per-address limit
                    }
                    it.remove();
                } catch (java.net.SocketTimeoutException e) {
                    // still open
                } catch (java.io.IOException e) {
                    it.remove();
                }
            }
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (java.net.Socket s : sockets) {
            s.close();
        }
        return String.format(Locale.ROOT, "%d trickling connections: %d refused with 503 at once, the rest closed by "
                + "the header timeout, all gone in %.1f s (%d still open); threads %d before, peak %d", n, refused,
                seconds, open.size(), before, peak);
    }

    private static HttpRequest request(ServeProcess server, int i, boolean stream) {
        String body = "{\"prompt\": \"Once upon a time " + i + "\", \"max_tokens\": 64, \"temperature\": 0, "
                + "\"stream\": " + stream + "}";
        return HttpRequest.newBuilder(URI.create(server.url("/v1/completions")))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String streamedText(String sse) {
        StringBuilder text = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: {")) {
                try {
                    JsonNode chunk = JSON.readTree(line.substring(6));
                    text.append(chunk.get("choices").get(0).get("text").asText());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        return text.toString();
    }

    /** The server's threads and resident memory, sampled every 50 ms: the peak of each phase. */
    private static final class Sampler {
        private final ServeProcess server;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger peakThreads = new AtomicInteger();
        private final AtomicLong peakResident = new AtomicLong();

        Sampler(ServeProcess server) {
            this.server = server;
        }

        void run() {
            while (running.get()) {
                sample();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void sample() {
            try {
                peakThreads.accumulateAndGet(server.threads(), Math::max);
                peakResident.accumulateAndGet(server.residentBytes(), Math::max);
            } catch (java.io.IOException e) {
                running.set(false);
            }
        }

        void reset() {
            peakThreads.set(0);
            peakResident.set(0);
        }

        void stop() {
            running.set(false);
        }

        String line(String phase) {
            sample();
            return String.format(Locale.ROOT, "%s: threads peak %d, resident peak %d MiB", phase, peakThreads.get(),
                    peakResident.get() >> 20);
        }
    }
}
