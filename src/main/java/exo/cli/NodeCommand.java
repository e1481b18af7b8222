package exo.cli;

import exo.node.ExoHome;
import exo.node.Node;
import exo.node.NodeConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `exo node`: a headless worker that serves its slice of other machines' models until stopped. */
@Command(name = "node",
        description = {"Run a headless exo node that serves slices of models until stopped (Ctrl-C or SIGTERM).",
                "It connects to its peers, loads the slices of models that a tail asks for (fetching only",
                "those layers when it lacks the model) and serves their forward passes.",
                "Logs one line per peer, load and session on stderr."},
        footer = {"", "Examples:", "  exo node --port 5678 --models-dir ~/models",
                "  exo node --peers 192.168.1.10:5678,192.168.1.11:5678 --memory 12GB"})
public final class NodeCommand extends Subcommand {
    /** The port a node listens on unless told otherwise, so static peers can be written down. */
    static final int DEFAULT_PORT = 52416;

    @Mixin
    ClusterOptions cluster;
    @Mixin
    EngineOption engine;

    @Option(names = "--models-dir", paramLabel = "DIR",
            description = "Where this node looks for the GGUF files it is asked to load (default: $EXO_HOME/models).")
    Path modelsDir;

    @Option(names = "--verbose", description = "Log more (connection attempts, each forward).")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        LogSetup.oneLinePerRecord(verbose);
        ExoHome home = ExoHome.fromEnvironment(System.getenv());
        PrintWriter out = err();
        if ("generate".equals(cluster.clusterKey)) {
            cluster.clusterKey = exo.peer.ClusterKey.generate();
            out.println("exo: new cluster key: " + cluster.clusterKey);
            out.println("exo: join other machines with: exo node --cluster-key " + cluster.clusterKey
                    + " (or set EXO_CLUSTER_KEY)");
            out.flush();
        }
        NodeConfig config = cluster.toConfig(DEFAULT_PORT, modelsDir != null ? modelsDir : home.resolve("models"),
                engine.threads(), engine.kind, engine.gpu, home);
        Node node = Node.start(config, home);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("exo-shutdown").unstarted(() -> {
            node.close();
            // java.util.logging closes its handlers in its own shutdown hook, so say it directly.
            System.err.println("exo node " + node.config().nodeId() + " stopped");
            stopped.countDown();
        }));
        PrintWriter err = err();
        var self = node.info();
        // Only where strangers can reach it: a node bound to loopback is this machine's alone.
        if (config.clusterKey().isEmpty() && !java.net.InetAddress.getByName(config.host()).isLoopbackAddress()) {
            err.println("exo: the ring is open: any machine on this network can join it (exo node --cluster-key "
                    + "generate makes a key)");
        }
        err.println("exo node " + self.id() + " (" + self.name() + ") listening on " + config.host() + ":" + self.port()
                + ", " + ByteSize.format(self.device().memoryBytes()) + " usable memory, " + self.device().cores()
                + " cores");
        err.flush();
        stopped.await();
        return ExitCode.OK;
    }
}
