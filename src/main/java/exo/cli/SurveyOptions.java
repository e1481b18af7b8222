package exo.cli;

import exo.discovery.DiscoveryMode;
import exo.node.ClusterSurvey;
import exo.discovery.manual.StaticPeers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How a command looks at the live cluster from outside it (exo peers, exo plan). */
public final class SurveyOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--peers", paramLabel = "HOST:PORT", split = ",", description = "Static peers to look at as well.")
    List<String> peers = new ArrayList<>();

    @Option(names = "--discovery", paramLabel = "mdns|static|both", defaultValue = "both",
            converter = DiscoveryModeConverter.class, description = "Where to look for nodes (default: ${DEFAULT-VALUE}).")
    DiscoveryMode discovery;

    @Option(names = "--cluster-key", paramLabel = "KEY", description = "The cluster's key (default: $EXO_CLUSTER_KEY).")
    String clusterKey;

    @Option(names = "--wait-ms", paramLabel = "MS", defaultValue = "5000",
            description = "How long to listen for nodes on the LAN (default: ${DEFAULT-VALUE}).")
    long waitMillis;

    @Option(names = "--wait-for-peers", paramLabel = "N", defaultValue = "0",
            description = "Stop listening as soon as N nodes answered (default: listen the whole --wait-ms).")
    int waitForPeers;

    boolean multicast() {
        return discovery != DiscoveryMode.STATIC;
    }

    List<ClusterSurvey.Seen> look() throws IOException, InterruptedException {
        return look(false);
    }

    /** Looks at the cluster; with {@code askStatus} each node found is asked what it runs. */
    List<ClusterSurvey.Seen> look(boolean askStatus) throws IOException, InterruptedException {
        String key = clusterKey != null ? clusterKey : System.getenv("EXO_CLUSTER_KEY");
        LogSetup.quiet();
        if (multicast()) {
            // Listening on the LAN takes seconds: say so, not silence.
            var err = command.commandLine().getErr();
            err.println("exo: " + exo.node.ring.ClusterRuntime.lookingLine(true, waitMillis, waitForPeers));
            err.flush();
        }
        return ClusterSurvey.look(multicast(), discovery == DiscoveryMode.MDNS ? List.of() : StaticPeers.parseAll(peers),
                key == null || key.isEmpty() ? Optional.empty() : Optional.of(key), waitMillis, waitForPeers, askStatus);
    }
}
