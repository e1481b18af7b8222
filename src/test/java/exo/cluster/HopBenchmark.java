package exo.cluster;

import exo.engine.Activations;
import exo.engine.select.EngineKind;
import exo.node.ring.ClusterRuntime;
import exo.node.ring.ResilientRing;
import exo.node.ring.RingSettings;
import exo.node.ring.RingStats;
import exo.peer.WireDtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a hop costs: one-token forwards of a real model through a ring of this JVM's tail and one
 * `exo node` process on loopback, where the model is so small (stories260K: microseconds of
 * compute) that a round trip is almost all hop: a Forward to the node, its event loop, its
 * compute lane, a Forward of the hidden state back, the tail's event loop, the waiting thread.
 * Measured back to back (both nodes busy, as a tensor-parallel all-reduce would keep them), with
 * two sessions in flight at once, and after pauses of 1 and 10 ms (threads gone idle, as while the
 * other node computes a long step). Per round trip it reports the time less both nodes' compute
 * (median and 90th percentile of the forwards, and the mean), and `exo bench`'s hop figure (the
 * round trip less the nodes' queueing and compute, per hop). Not a test: figures are reported,
 * never asserted.
 *
 * <p>Arguments: [forwards per mode, default 2000] [model file, default ../shared/models/stories260K.gguf].
 * Run with the test classpath and the JVM flags exo needs, after `mvn package` (the node runs
 * target/exo.jar).
 */
public final class HopBenchmark {
    private HopBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int forwards = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path model = args.length > 1 ? Path.of(args[1]) : exo.TestModels.dir().resolve("stories260K.gguf");
        Path home = Files.createTempDirectory("exo-hop");
        NodeProcess node = null;
        ClusterRuntime tail = null;
        try {
            node = NodeProcess.start("node-b", "8GB", home.resolve("node-b"), List.of(), model.getParent(), Map.of(),
                    "ggml");
            List<String> status = new CopyOnWriteArrayList<>();
            tail = TestTail.start(TestTail.config(List.of(node.address())).engine(EngineKind.GGML)
                    .memoryBytes(64L << 20).build(), home.resolve("tail"), 1, status::add);
            ResilientRing ring = tail.ring(TestTail.localFile("model", model),
                    new RingSettings(512, WireDtype.F32, Duration.ofMinutes(5), Duration.ofMinutes(1))).engine();
            System.out.println("ring: " + ring.current().ring());
            measure(ring, "warm-up", 1, 0, forwards / 4);
            System.out.println(measure(ring, "back to back", 1, 0, forwards));
            System.out.println(measure(ring, "2 sessions at once", 2, 0, forwards));
            System.out.println(measure(ring, "1 ms pauses", 1, 1, forwards / 4));
            System.out.println(measure(ring, "10 ms pauses", 1, 10, forwards / 10));
        } finally {
            if (tail != null) {
                tail.close();
            }
            if (node != null) {
                node.close();
            }
        }
    }

    private static String measure(ResilientRing ring, String mode, int sessions, long pauseMillis, int forwards)
            throws Exception {
        RingStats.Snapshot before = ring.current().stats();
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        List<Future<long[]>> runs = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            String session = mode.replace(' ', '-') + "-" + s;
            runs.add(pool.submit(() -> steps(ring, session, forwards, pauseMillis, sessions == 1)));
        }
        long[] each = new long[0];
        for (Future<long[]> f : runs) {
            long[] w = f.get();
            long[] all = Arrays.copyOf(each, each.length + w.length);
            System.arraycopy(w, 0, all, each.length, w.length);
            each = all;
        }
        pool.shutdown();
        RingStats.Snapshot spent = ring.current().stats().minus(before);
        long compute = Arrays.stream(spent.computeNanos()).sum();
        long computeEach = compute / Math.max(1, each.length);
        if (sessions > 1) {
            // Wall times: take off each forward's mean share of the compute.
            each = Arrays.stream(each).map(w -> w - computeEach).toArray();
        }
        long[] sorted = each.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT,
                "%-20s %5d forwards: round trip less compute median %.3f ms, p90 %.3f ms, mean %.3f ms;"
                        + " compute %.3f ms; bench hop %.3f ms",
                mode, each.length, sorted[sorted.length / 2] / 1e6, sorted[sorted.length * 9 / 10] / 1e6,
                Arrays.stream(each).average().orElse(0) / 1e6, computeEach / 1e6, spent.hopMillis());
    }

    /**
     * One session's one-token forwards: for each, its wall time less the compute the ring recorded
     * for it (exact with one session in flight; with several, another session's compute may fall
     * into a forward's window, so {@link #measure} uses the mean there).
     */
    private static long[] steps(ResilientRing ring, String session, int forwards, long pauseMillis, boolean exact)
            throws Exception {
        long[] overheads = new long[forwards];
        for (int i = 0; i < forwards; i++) {
            if (pauseMillis > 0) {
                Thread.sleep(pauseMillis);
            }
            // Positions wrap within the context: a position below the session's length rewinds it.
            int position = i % 256;
            RingStats.Snapshot before = exact ? ring.current().stats() : null;
            long t = System.nanoTime();
            ring.forward(session, position, new Activations.Tokens(new int[] {1 + i % 200}));
            long wall = System.nanoTime() - t;
            overheads[i] = exact ? wall - Arrays.stream(ring.current().stats().minus(before).computeNanos()).sum() : wall;
        }
        ring.release(session);
        return overheads;
    }
}
