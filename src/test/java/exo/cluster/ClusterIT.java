package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.engine.Activations;
import exo.engine.java.JavaEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.sampling.Sampler;
import exo.node.ring.ClusterRuntime;
import exo.node.ring.RingSettings;
import exo.node.ring.RingEngine;
import exo.node.ring.RingException;
import exo.peer.RingEntry;
import exo.peer.WireDtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rings of real `exo node` processes on loopback (port 0, static peers) with this JVM as the
 * tail, against the same model on one machine: the tokens are the same and the tail's logits
 * are bit-identical at every step.
 */
class ClusterIT {
    private static final int STEPS = 60;
    private static final int[] PROMPT = {1, 403, 407, 261, 378}; // BOS "Once upon a time"

    @TempDir
    Path home;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        for (NodeProcess n : nodes) {
            n.close();
        }
    }

    /** Starts nodes one after another, each told of those before it. */
    private void startNodes(String... idAndMemory) throws Exception {
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < idAndMemory.length; i += 2) {
            NodeProcess n = NodeProcess.start(idAndMemory[i], idAndMemory[i + 1], home.resolve(idAndMemory[i]), peers);
            nodes.add(n);
            peers.add(n.address());
        }
    }

    private ClusterRuntime tail(long memory) throws Exception {
        List<String> peers = new ArrayList<>();
        for (NodeProcess n : nodes) {
            peers.add(n.address());
        }
        ClusterRuntime runtime = TestTail.start(TestTail.config(peers).memoryBytes(memory).build(), home.resolve("tail"),
                nodes.size(), line -> System.out.println("status: " + line));
        closeables.add(runtime);
        return runtime;
    }

    private RingEngine ring(ClusterRuntime tail) throws Exception {
        return ring(tail, WireDtype.F32);
    }

    private RingEngine ring(ClusterRuntime tail, WireDtype wire) throws Exception {
        return tail.ringOf(TestTail.localFile("stories260K", TestModels.stories260K()),
                new RingSettings(512, wire, Duration.ofMinutes(2), Duration.ofMinutes(2)), tail.machines());
    }

    /** Greedy generation through {@code engine}, returning tokens and logits of every step. */
    private static List<float[]> generate(exo.engine.InferenceEngine engine, String session, int[] prompt,
                                          List<Integer> tokens) {
        List<float[]> logits = new ArrayList<>();
        float[] l = ((Activations.Logits) engine.forward(session, 0, new Activations.Tokens(prompt))).last();
        int pos = prompt.length;
        for (int i = 0; i < STEPS; i++) {
            logits.add(l);
            int next = Sampler.argmax(l);
            tokens.add(next);
            l = ((Activations.Logits) engine.forward(session, pos++, new Activations.Tokens(new int[] {next}))).last();
        }
        return logits;
    }

    private static List<float[]> singleMachine(int[] prompt, List<Integer> tokens) throws Exception {
        try (WorkerPool pool = new WorkerPool(1); JavaEngine whole = JavaEngine.openWhole(TestModels.stories260K(), pool)) {
            return generate(whole, "s", prompt, tokens);
        }
    }

    private static void assertSameRun(List<Integer> expectedTokens, List<float[]> expectedLogits, List<Integer> tokens,
                                      List<float[]> logits) {
        assertEquals(expectedTokens, tokens);
        for (int i = 0; i < expectedLogits.size(); i++) {
            assertArrayEquals(expectedLogits.get(i), logits.get(i), "logits at step " + i);
        }
    }

    @Test
    void threeNodeRingEqualsOneMachineBitForBit() throws Exception {
        startNodes("node-a", "8GB", "node-b", "4GB", "node-c", "2GB");
        RingEngine ring = ring(tail(2L << 30));
        assertEquals(List.of("node-a", "node-b", "node-c", "tail"), ring.ring().stream().map(RingEntry::nodeId).toList());
        List<Integer> expectedTokens = new ArrayList<>();
        List<float[]> expected = singleMachine(PROMPT, expectedTokens);
        List<Integer> tokens = new ArrayList<>();
        List<float[]> got = generate(ring, "s1", PROMPT, tokens);
        assertSameRun(expectedTokens, expected, tokens, got);
        ring.release("s1");
        assertTrue(nodes.get(1).awaitLog("session s1 ended", 5_000), nodes.get(1).log());
    }

    /**
     * BF16 on the wire rounds the hidden state once per hop: no longer bit-identical, but fed
     * the same tokens the ring's top token agrees with one machine's nearly everywhere.
     */
    @Test
    void aBf16WireHalvesTheBytesAndKeepsTheTopTokens() throws Exception {
        startNodes("node-a", "4GB", "node-b", "4GB");
        RingEngine ring = ring(tail(4L << 30), WireDtype.BF16);
        List<Integer> expectedTokens = new ArrayList<>();
        List<float[]> expected = singleMachine(PROMPT, expectedTokens);
        int agree = 0;
        boolean anyDifference = false;
        float[] l = ((Activations.Logits) ring.forward("s", 0, new Activations.Tokens(PROMPT))).last();
        for (int i = 0; i < STEPS; i++) {
            anyDifference |= !java.util.Arrays.equals(expected.get(i), l);
            agree += Sampler.argmax(l) == expectedTokens.get(i) ? 1 : 0;
            l = ((Activations.Logits) ring.forward("s", PROMPT.length + i,
                    new Activations.Tokens(new int[] {expectedTokens.get(i)}))).last();
        }
        System.out.println("bf16 wire: top token agrees at " + agree + "/" + STEPS + " steps");
        assertTrue(anyDifference, "bf16 rounding reached the logits");
        assertTrue(agree >= STEPS * 9 / 10, "agreement " + agree + "/" + STEPS);
    }

    @Test
    void slicesInAnotherOrderGiveTheSameResult() throws Exception {
        // Memory the other way round: node-c is now the head and holds the most layers.
        startNodes("node-a", "1GB", "node-b", "2GB", "node-c", "12GB");
        RingEngine ring = ring(tail(1L << 30));
        assertEquals(List.of("node-c", "node-b", "node-a", "tail"), ring.ring().stream().map(RingEntry::nodeId).toList());
        List<Integer> expectedTokens = new ArrayList<>();
        List<float[]> expected = singleMachine(PROMPT, expectedTokens);
        List<Integer> tokens = new ArrayList<>();
        assertSameRun(expectedTokens, expected, tokens, generate(ring, "s", PROMPT, tokens));
    }

    @Test
    void twoConcurrentSessionsDoNotMix() throws Exception {
        startNodes("node-a", "4GB", "node-b", "4GB");
        RingEngine ring = ring(tail(4L << 30));
        int[] other = {1, 500, 501, 502};
        List<Integer> expectedA = new ArrayList<>();
        List<float[]> logitsA = singleMachine(PROMPT, expectedA);
        List<Integer> expectedB = new ArrayList<>();
        List<float[]> logitsB = singleMachine(other, expectedB);
        assertNotEquals(expectedA, expectedB);
        List<Integer> tokensA = new ArrayList<>();
        List<Integer> tokensB = new ArrayList<>();
        var a = CompletableFuture.supplyAsync(() -> generate(ring, "session-a", PROMPT, tokensA));
        var b = CompletableFuture.supplyAsync(() -> generate(ring, "session-b", other, tokensB));
        assertSameRun(expectedA, logitsA, tokensA, a.get(120, TimeUnit.SECONDS));
        assertSameRun(expectedB, logitsB, tokensB, b.get(120, TimeUnit.SECONDS));
    }

    @Test
    void losingAMiddleNodeIsReportedWithinFiveSeconds() throws Exception {
        startNodes("node-a", "8GB", "node-b", "4GB", "node-c", "2GB");
        RingEngine ring = ring(tail(2L << 30));
        AtomicInteger steps = new AtomicInteger();
        var run = CompletableFuture.runAsync(() -> {
            float[] l = ((Activations.Logits) ring.forward("s", 0, new Activations.Tokens(PROMPT))).last();
            for (int pos = PROMPT.length; pos < 500; pos++) {
                l = ((Activations.Logits) ring.forward("s", pos, new Activations.Tokens(new int[] {Sampler.argmax(l)})))
                        .last();
                steps.incrementAndGet();
            }
        });
        while (steps.get() < 5) {
            Thread.sleep(10);
        }
        NodeProcess middle = nodes.get(1);
        long killed = System.nanoTime();
        middle.kill();
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
        long reportedMillis = (System.nanoTime() - killed) / 1_000_000;
        assertTrue(e.getCause() instanceof RingException, String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().contains("node-b"), e.getCause().getMessage());
        assertTrue(reportedMillis < 5_000, "reported after " + reportedMillis + " ms");
        System.out.println("lost node reported after " + reportedMillis + " ms: " + e.getCause().getMessage());
        // The surviving nodes free the session's caches.
        assertTrue(nodes.get(0).awaitLog("session s ended", 10_000), nodes.get(0).log());
        assertTrue(nodes.get(2).awaitLog("session s ended", 10_000), nodes.get(2).log());
    }

    @Test
    void planAndPeersSeeTheLiveCluster() throws Exception {
        startNodes("node-a", "8GB", "node-b", "4GB");
        String peers = nodes.get(0).address() + "," + nodes.get(1).address();
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        int code = exo.cli.CommandFactory.create(new java.io.PrintWriter(out), new java.io.PrintWriter(err))
                .execute("plan", "stories-260k", "--discovery", "static", "--peers", peers, "--memory", "4GB", "--json");
        assertEquals(0, code, err.toString());
        var plan = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
        List<String> names = new ArrayList<>();
        plan.get("nodes").forEach(n -> names.add(n.get("name").asText()));
        assertEquals(3, names.size(), out.toString());
        assertEquals("node-a", names.getFirst(), "the largest node is the head");
        assertTrue(names.contains("node-b"), out.toString());

        var peersOut = new java.io.StringWriter();
        code = exo.cli.CommandFactory.create(new java.io.PrintWriter(peersOut), new java.io.PrintWriter(err))
                .execute("peers", "--discovery", "static", "--peers", peers, "--json");
        assertEquals(0, code, err.toString());
        var seen = new com.fasterxml.jackson.databind.ObjectMapper().readTree(peersOut.toString()).get("peers");
        assertEquals(2, seen.size(), peersOut.toString());
        seen.forEach(n -> assertTrue(n.get("reachable").asBoolean(), peersOut.toString()));
        assertEquals(8L << 30, seen.get(0).get("memory_bytes").asLong());
    }

    /** Runs `exo chat` as a user does, one line piped in; returns exit code, stdout and stderr. */
    private static String[] chat(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-jar",
                Path.of(System.getProperty("exo.jar", "target/exo.jar")).toString(), "chat", "--model-file",
                TestModels.stories260K().toString(), "--temperature", "0", "-n", "30", "--discovery", "static"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        try (var in = p.getOutputStream()) {
            in.write("Once upon a time\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        var out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        var err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "exo chat did not finish");
        return new String[] {String.valueOf(p.exitValue()), out.get(), err.get()};
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A node without the model (an empty models directory, no hub it can reach) reads its slice
     * from the tail's --model-file: `exo chat --model-file F` runs as a ring, answering as one
     * machine, and the bytes the node took are its layers' tensors.
     */
    @Test
    void aNodeWithoutTheModelGetsItsSliceFromTheTail() throws Exception {
        startNodes("node-a", "8GB");
        Path empty = Files.createDirectories(home.resolve("empty-models"));
        NodeProcess noModel = NodeProcess.start("node-b", "16GB", home.resolve("node-b"), List.of(), empty,
                java.util.Map.of("HF_ENDPOINT", "http://127.0.0.1:9", "HF_HOME", home.resolve("hf").toString()));
        nodes.add(noModel);
        String[] alone = chat();
        assertEquals("0", alone[0], alone[2]);
        String[] ring = chat("--peers", nodes.get(0).address() + "," + noModel.address(), "--memory", "2GB");
        assertEquals("0", ring[0], ring[2]);
        assertTrue(ring[2].contains("exo: node-b: ready"), ring[2]);
        assertTrue(ring[2].contains("exo: node-a: ready"), ring[2]);
        assertEquals(alone[1], ring[1]);
        // node-b holds the head: its layers' tensors (and the embedding) crossed from the tail, nothing more.
        var matcher = java.util.regex.Pattern.compile("node-b: loading layers 0-(\\d+) of 5")
                .matcher(ring[2]);
        assertTrue(matcher.find(), ring[2]);
        int end = Integer.parseInt(matcher.group(1)) + 1;
        var header = exo.gguf.GgufFile.readHeader(TestModels.stories260K());
        long slice = exo.download.SliceTensors.select(header, 0, end).stream()
                .mapToLong(exo.gguf.GgufTensorInfo::byteSize).sum();
        assertTrue(ring[2].contains(slice + " of " + slice + " bytes"), slice + " bytes expected: " + ring[2]);
        // The chat's session has an id of its own ("chat-" and 16 hex digits of this process), never plain "chat".
        assertTrue(nodes.get(0).awaitLog("started: stories260K", 5_000), nodes.get(0).log());
        assertTrue(nodes.get(0).log().matches("(?s).*session chat-[0-9a-f]{16}-1 started.*"), nodes.get(0).log());
    }

    /**
     * A node without a key says the ring is open where strangers can reach it (not on loopback);
     * --cluster-key generate makes a key and says how to join with it.
     */
    @Test
    void aNodeSaysTheRingIsOpenOrMakesAKeyToJoinWith() throws Exception {
        NodeProcess open = NodeProcess.start("node-open", "1GB", home.resolve("node-open"), List.of(), TestModels.dir(),
                java.util.Map.of(), "java", 1, List.of("--host", "0.0.0.0"));
        nodes.add(open);
        assertTrue(open.awaitLog("the ring is open", 30_000), open.log());
        NodeProcess local = NodeProcess.start("node-local", "1GB", home.resolve("node-local"), List.of(),
                TestModels.dir(), java.util.Map.of(), "java", 1, List.of());
        nodes.add(local);
        assertTrue(local.awaitLog("listening on 127.0.0.1", 30_000), local.log());
        assertFalse(local.log().contains("the ring is open"), "a node on loopback is this machine's alone: "
                + local.log());
        NodeProcess keyed = NodeProcess.start("node-keyed", "1GB", home.resolve("node-keyed"), List.of(),
                TestModels.dir(), java.util.Map.of(), "java", 1, List.of("--cluster-key", "generate"));
        nodes.add(keyed);
        assertTrue(keyed.awaitLog("join other machines with: exo node --cluster-key ", 30_000), keyed.log());
        var m = java.util.regex.Pattern.compile("new cluster key: ([A-Za-z0-9_-]{43})").matcher(keyed.log());
        assertTrue(m.find(), keyed.log());
        String key = m.group(1);
        assertFalse(keyed.log().contains("the ring is open"), keyed.log());
        // Another node given the printed key joins it.
        NodeProcess joiner = NodeProcess.start("node-joiner", "1GB", home.resolve("node-joiner"),
                List.of(keyed.address()), TestModels.dir(), java.util.Map.of(), "java", 1,
                List.of("--cluster-key", key));
        nodes.add(joiner);
        assertTrue(joiner.awaitLog("connected to node node-keyed", 30_000), joiner.log());
        // A chat through the keyed ring (all of it over TLS) answers as one machine; without the key it is refused.
        String[] alone = chat();
        String[] ring = chat("--peers", keyed.address() + "," + joiner.address(), "--cluster-key", key,
                "--memory", "1GB", "--require-peers");
        assertEquals("0", ring[0], ring[2]);
        assertTrue(ring[2].contains("exo: node-keyed: ready"), ring[2]);
        assertEquals(alone[1], ring[1]);
        String[] stranger = chat("--peers", keyed.address(), "--require-peers", "--wait-ms", "3000");
        assertEquals("1", stranger[0], stranger[2]);
        assertTrue(stranger[2].contains("cluster key"), stranger[2]);
    }
}
