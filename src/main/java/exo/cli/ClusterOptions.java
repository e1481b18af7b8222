package exo.cli;

import exo.node.ExoHome;
import exo.node.LocalMachine;
import exo.node.NodeConfig;
import exo.node.NodeIdentity;
import exo.discovery.DiscoveryMode;
import exo.engine.GpuMode;
import exo.engine.select.EngineKind;
import exo.discovery.PeerAddress;
import exo.discovery.manual.StaticPeers;
import java.nio.file.Files;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How this process takes part in the cluster: address, identity, peers, key. */
public final class ClusterOptions {
    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address to listen on for peers (default: every interface, 0.0.0.0; a chat, run, serve or "
                    + "bench that only dials peers on this machine (--discovery static) listens on 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on for peers (0 = any free port).")
    Integer port;

    @Option(names = "--node-id", paramLabel = "ID", description = "This node's id (default: kept in $EXO_HOME/node_id).")
    String nodeId;

    @Option(names = "--name", paramLabel = "NAME", description = "This node's name in plans (default: the host name).")
    String name;

    @Option(names = "--peers", paramLabel = "HOST:PORT", split = ",",
            description = "Static peers to dial, comma separated, for networks where multicast is blocked.")
    List<String> peers = new ArrayList<>();

    @Option(names = "--peers-file", paramLabel = "PATH",
            description = "More static peers, one HOST:PORT per line ('#' starts a comment); default $EXO_HOME/peers if it exists.")
    Path peersFile;

    @Option(names = "--memory", paramLabel = "SIZE", converter = DeviceArgument.SizeConverter.class,
            description = "This machine's usable memory, instead of the measured figure.")
    Long memory;

    @Option(names = "--cluster-key", paramLabel = "KEY",
            description = "Only nodes holding the same key may join (default: $EXO_CLUSTER_KEY; none = anyone on the LAN; "
                    + "generate = a new random key, printed with the command that joins other machines).")
    String clusterKey;

    @Option(names = "--discovery", paramLabel = "mdns|static|both", defaultValue = "both",
            converter = DiscoveryModeConverter.class,
            description = "How to find peers: multicast DNS on the LAN, the --peers list, or both (default: ${DEFAULT-VALUE}).")
    DiscoveryMode discovery;

    @Option(names = "--heartbeat-ms", paramLabel = "MS", defaultValue = "1000", hidden = true,
            description = "Heartbeat interval; a peer silent for three is dead.")
    long heartbeatMillis;

    @Option(names = "--session-idle-ms", paramLabel = "MS", defaultValue = "1800000", hidden = true,
            description = "How long a session may do nothing before this node frees it (default: 30 minutes).")
    long sessionIdleMillis;

    @Option(names = "--max-frame-bytes", paramLabel = "N", defaultValue = "67108864", hidden = true,
            description = "The largest frame sent to or taken from a peer (default: 64 MiB).")
    int maxFrameBytes;

    /** Whether this process should look for peers at all (static ones, or on the LAN). */
    boolean looksForPeers() {
        return !peers.isEmpty() || peersFile != null || discovery != DiscoveryMode.STATIC;
    }

    /** --peers plus the peers file's entries. */
    private List<PeerAddress> allPeers(ExoHome home) throws IOException {
        List<PeerAddress> all = new ArrayList<>(StaticPeers.parseAll(peers));
        Path file = peersFile != null ? peersFile : home.resolve("peers");
        if (peersFile != null || Files.isRegularFile(file)) {
            all.addAll(StaticPeers.readFile(file));
        }
        return all;
    }

    /**
     * --host, else every interface; but a tail (no models directory: it serves no slices of its
     * own to strangers) that finds nodes only in a --peers list on this machine listens on
     * loopback, where only they can reach it.
     */
    private String bindHost(List<PeerAddress> peers, Path modelsDir) {
        if (host != null) {
            return host;
        }
        boolean localOnly = modelsDir == null && discovery == DiscoveryMode.STATIC && !peers.isEmpty()
                && peers.stream().allMatch(p -> isLoopback(p.host()));
        return localOnly ? "127.0.0.1" : "0.0.0.0";
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    NodeConfig toConfig(int defaultPort, Path modelsDir, int threads, EngineKind engine, GpuMode gpu, ExoHome home)
            throws IOException {
        String id = nodeId != null ? nodeId : NodeIdentity.loadOrCreate(home);
        String key = clusterKey != null ? clusterKey : System.getenv("EXO_CLUSTER_KEY");
        List<PeerAddress> peers = allPeers(home);
        return NodeConfig.builder(id).name(name != null ? name : LocalMachine.hostName()).host(bindHost(peers, modelsDir))
                .port(port != null ? port : defaultPort).memoryBytes(memory).peers(peers).discovery(discovery)
                .modelsDir(modelsDir).threads(threads)
                .clusterKey(key == null || key.isEmpty() ? Optional.empty() : Optional.of(key))
                .heartbeat(Duration.ofMillis(heartbeatMillis)).engine(engine).gpu(gpu)
                .sessionIdle(Duration.ofMillis(sessionIdleMillis)).maxFrameBytes(maxFrameBytes).build();
    }
}
