package exo.cluster;

import exo.engine.Activations;
import exo.engine.select.EngineKind;
import exo.models.ModelRegistry;
import exo.node.ring.ClusterRuntime;
import exo.node.ring.ResilientRing;
import exo.node.ring.RingSettings;
import exo.peer.WireDtype;
import exo.engine.sampling.Sampler;
import exo.synthetic.SyntheticModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a node lost mid-conversation costs the person, by the conversation's length: a ring of two
 * `exo node` processes and this JVM's tail holds a session of a 16-token prompt and greedy steps up
 * to each length; the head node is killed, and the next token is timed from the kill (the loss
 * noticed, a ring re-planned and loaded without it, the session replayed into it). Not a test:
 * figures are reported, never asserted.
 *
 * <p>Arguments: [lengths, default 50,500,2000] [model file, default llama-3.2-1b's shape in Q4_K_M,
 * written once under target/bench-synthetic] [engine of every node, ggml (default: replays step by
 * step) or java (replays in batches)]. Run with the test classpath and the JVM flags exo
 * needs, after `mvn package` (the nodes run target/exo.jar).
 */
public final class RecoveryBenchmark {
    private RecoveryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int[] lengths = java.util.Arrays.stream((args.length > 0 ? args[0] : "50,500,2000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        Path model = args.length > 1 && !args[1].isEmpty() ? Path.of(args[1]) : synthetic();
        EngineKind engine = args.length > 2 ? EngineKind.parse(args[2]) : EngineKind.GGML;
        Path home = Files.createTempDirectory("exo-recovery");
        for (int length : lengths) {
            System.out.println(measure(model, home.resolve("n" + length), length, engine));
        }
    }

    private static Path synthetic() throws Exception {
        Path file = Path.of("target/bench-synthetic/llama-3.2-1b-Q4_K_M.gguf");
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(file.getParent());
            SyntheticModel.of(ModelRegistry.bundled().get("llama-3.2-1b"), "Q4_K_M").write(file);
        }
        return file;
    }

    private static String measure(Path model, Path home, int length, EngineKind engine) throws Exception {
        List<NodeProcess> nodes = new ArrayList<>();
        ClusterRuntime tail = null;
        try {
            for (String[] n : new String[][] {{"node-a", "8GB"}, {"node-b", "8GB"}}) {
                nodes.add(NodeProcess.start(n[0], n[1], home.resolve(n[0]), List.of(), model.getParent(), Map.of(),
                        engine.label()));
            }
            List<String> peers = new ArrayList<>();
            for (NodeProcess n : nodes) {
                peers.add(n.address());
            }
            List<String> status = new CopyOnWriteArrayList<>();
            tail = TestTail.start(TestTail.config(peers).engine(engine).memoryBytes(512L << 20).build(),
                    home.resolve("tail"), nodes.size(), status::add);
            ResilientRing ring = tail.ring(TestTail.localFile("model", model),
                    new RingSettings(length + 64, WireDtype.F32, Duration.ofMinutes(10), Duration.ofMinutes(2)))
                    .engine();
            String head = ring.current().ring().getFirst().nodeId();
            status.clear();
            int[] prompt = new int[16];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = 100 + 37 * i;
            }
            float[] logits = ((Activations.Logits) ring.forward("s", 0, new Activations.Tokens(prompt))).last();
            for (int pos = prompt.length; pos < length; pos++) {
                logits = ((Activations.Logits) ring.forward("s", pos,
                        new Activations.Tokens(new int[] {Sampler.argmax(logits)}))).last();
            }
            NodeProcess victim = nodes.stream().filter(n -> n.id().equals(head)).findFirst().orElseThrow();
            long killed = System.nanoTime();
            victim.kill();
            ring.forward("s", length, new Activations.Tokens(new int[] {Sampler.argmax(logits)}));
            double seconds = (System.nanoTime() - killed) / 1e9;
            return String.format(Locale.ROOT, "%s, %d tokens: next token %.1f s after the kill, replay %s; %s", engine,
                    length, seconds, ring.lastReplay(), String.join(" | ", status));
        } finally {
            if (tail != null) {
                tail.close();
            }
            for (NodeProcess n : nodes) {
                n.close();
            }
        }
    }
}
