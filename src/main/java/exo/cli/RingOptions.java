package exo.cli;

import exo.node.ExoHome;
import exo.node.NodeConfig;
import exo.node.ring.ClusterRuntime;
import exo.node.ring.NoPeersException;
import java.util.function.Consumer;
import exo.peer.WireDtype;
import picocli.CommandLine.Option;

/** How this machine, as the tail, forms a ring: how long it listens for peers, how hidden states travel. */
final class RingOptions {
    @Option(names = "--wire-dtype", paramLabel = "f32|bf16|f16", defaultValue = "f32", converter = WireDtypeConverter.class,
            description = "How hidden states travel between machines: f32 (exact, default) or bf16/f16 (half the bytes).")
    WireDtype wireDtype;

    @Option(names = "--wait-ms", paramLabel = "MS", defaultValue = "5000",
            description = "How long to wait for peers to answer before planning (default: ${DEFAULT-VALUE}).")
    long waitMillis;

    @Option(names = "--wait-for-peers", paramLabel = "N", defaultValue = "0",
            description = "Stop waiting as soon as N peers answered (default: wait the whole --wait-ms for the LAN).")
    int waitForPeers;

    @Option(names = "--require-peers", description = "Fail when no peer answers, instead of running on this machine alone.")
    boolean requirePeers;

    /** Starts the cluster runtime with this machine's node and waits for peers as these options say. */
    ClusterRuntime startCluster(NodeConfig config, ExoHome home, Consumer<String> status) throws Exception {
        try {
            return ClusterRuntime.start(config, home, peerWait(), status);
        } catch (NoPeersException e) {
            throw new UserException(ExitCode.FAILURE, "no peer answered within " + waitMillis
                    + " ms, and --require-peers forbids running on this machine alone");
        }
    }

    /** How long the cluster runtime listens for peers before planning. */
    ClusterRuntime.PeerWait peerWait() {
        if (waitMillis < 0) {
            throw new UserException(ExitCode.USAGE, "--wait-ms must not be negative, not " + waitMillis);
        }
        if (waitForPeers < 0) {
            throw new UserException(ExitCode.USAGE, "--wait-for-peers must not be negative, not " + waitForPeers);
        }
        return new ClusterRuntime.PeerWait(waitMillis, waitForPeers, requirePeers);
    }
}
