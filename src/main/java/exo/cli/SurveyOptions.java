package exo.cli;

import exo.discovery.DiscoveryMode;
import exo.node.ClusterSurvey;
import exo.discovery.manual.StaticPeers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How a command looks at the live cluster from outside it (exo peers, exo plan). */
public final class SurveyOptions {
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

    boolean multicast() {
        return discovery != DiscoveryMode.STATIC;
    }

    List<ClusterSurvey.Seen> look() throws IOException, InterruptedException {
        String key = clusterKey != null ? clusterKey : System.getenv("EXO_CLUSTER_KEY");
        LogSetup.quiet();
        return ClusterSurvey.look(multicast(), discovery == DiscoveryMode.MDNS ? List.of() : StaticPeers.parseAll(peers),
                key == null || key.isEmpty() ? Optional.empty() : Optional.of(key), waitMillis);
    }
}
