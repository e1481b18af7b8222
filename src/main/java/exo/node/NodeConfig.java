package exo.node;

import exo.discovery.DiscoveryMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a running node is configured with, in one value rather than a long constructor.
 *
 * @param memoryBytes usable memory to advertise; null measures it
 * @param peers       static peers to dial ("host:port"), for networks where multicast is blocked
 * @param discovery   how peers are found: multicast DNS, the static list, or both
 * @param clusterKey  the shared secret, when the cluster has one
 * @param modelsDir   where this node looks for GGUF files named in load requests
 */
public record NodeConfig(String nodeId, String name, String host, int port, Long memoryBytes, List<String> peers,
                         DiscoveryMode discovery, Path modelsDir, int threads, Optional<String> clusterKey,
                         Duration heartbeat) {

    public NodeConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        peers = List.copyOf(peers);
        Objects.requireNonNull(clusterKey, "clusterKey");
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, not " + port);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        if (memoryBytes != null && memoryBytes < 0) {
            throw new IllegalArgumentException("--memory must not be negative");
        }
        for (String p : peers) {
            HostPort.parse(p);
        }
    }

    /** host:port as given on the command line, with [v6] addresses allowed. */
    public record HostPort(String host, int port) {
        public static HostPort parse(String text) {
            String t = text.strip();
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || colon == t.length() - 1) {
                throw new IllegalArgumentException("peer '" + text + "' is not HOST:PORT");
            }
            String host = t.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("peer '" + text + "' has no port number");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("peer '" + text + "' has port " + port + " out of range");
            }
            return new HostPort(host, port);
        }
    }
}
