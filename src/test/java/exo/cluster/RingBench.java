package exo.cluster;

import exo.engine.Activations;
import exo.engine.InferenceEngine;
import exo.engine.sampling.Sampler;
import exo.discovery.DiscoveryMode;
import exo.node.ExoHome;
import exo.node.Node;
import exo.node.NodeConfig;
import exo.node.ring.RingBuilder;
import exo.node.ring.RingEngine;
import exo.peer.ModelRef;
import exo.peer.WireDtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decode speed of one machine against a ring of real node processes on loopback, for a GGUF.
 * Usage: RingBench MODEL.gguf NODES TOKENS [THREADS] [ENGINE]. Run after `mvn package` (it starts
 * target/exo.jar); the model's directory is the nodes' models directory. Every node and the
 * tail compute with ENGINE (default java) on THREADS threads.
 */
public final class RingBench {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]).toAbsolutePath();
        int nodeCount = Integer.parseInt(args[1]);
        int tokens = Integer.parseInt(args[2]);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        String engineName = args.length > 4 ? args[4] : "java";
        Path home = Files.createTempDirectory("ringbench");
        String id = model.getFileName().toString().replaceFirst("\\.gguf$", "");
        ModelRef ref = new ModelRef(id, model.getFileName().toString(), Optional.empty(), "local", Files.size(model));
        List<NodeProcess> nodes = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        try {
            for (int i = 0; i < nodeCount - 1; i++) {
                NodeProcess n = NodeProcess.start("node-" + i, "4GB", home.resolve("n" + i), peers, model.getParent(),
                        java.util.Map.of(), engineName, threads);
                nodes.add(n);
                peers.add(n.address());
            }
            NodeConfig config = new NodeConfig("tail", "tail", "127.0.0.1", 0, 4L << 30, exo.discovery.manual.StaticPeers.parseAll(peers), DiscoveryMode.STATIC, null, threads,
                    Optional.empty(), Duration.ofSeconds(1), exo.engine.select.EngineKind.parse(engineName));
            try (Node tail = Node.start(config, new ExoHome(home.resolve("tail")))) {
                tail.connectToPeers(30_000);
                InferenceEngine engine;
                if (nodeCount == 1) {
                    engine = tail.engines().open(model, 0, -1, 1024);
                } else {
                    RingBuilder b = new RingBuilder(tail, s -> { });
                    var plan = b.plan(id, exo.engine.java.ModelConfig.from(exo.gguf.GgufFile.readHeader(model).metadata()).layers());
                    engine = b.build(plan, ref, model, 1024, WireDtype.F32, Duration.ofMinutes(10), Duration.ofMinutes(10));
                    System.out.println("ring: " + ((RingEngine) engine).ring());
                }
                int[] prompt = {1, 403, 407, 261, 378};
                for (int round = 0; round < 3; round++) {
                    String session = "bench-" + round;
                    float[] l = ((Activations.Logits) engine.forward(session, 0, new Activations.Tokens(prompt))).last();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < tokens; i++) {
                        l = ((Activations.Logits) engine.forward(session, prompt.length + i,
                                new Activations.Tokens(new int[] {Sampler.argmax(l)}))).last();
                    }
                    double tps = tokens * 1e9 / (System.nanoTime() - t0);
                    System.out.printf(Locale.ROOT, "%s nodes=%d round=%d decode %.1f tok/s (%d tokens)%n", id, nodeCount,
                            round, tps, tokens);
                    engine.release(session);
                }
                engine.close();
            }
        } finally {
            for (NodeProcess n : nodes) {
                n.close();
            }
        }
    }
}
