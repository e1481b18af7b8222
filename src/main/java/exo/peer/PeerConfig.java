package exo.peer;

import exo.topology.NodeInfo;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a node takes part in the peer network. {@code node}'s port is replaced by the port
 * actually bound (port 0 asks for any free port). A peer that sends nothing for three
 * heartbeat intervals is dead. {@code maxFrameBytes} bounds a frame after its length field,
 * so a broken or hostile peer cannot make this node allocate without limit.
 * {@code ioThreads} is the number of event-loop threads for all connections.
 */
public record PeerConfig(NodeInfo node, String bindHost, int port, Optional<ClusterKey> clusterKey,
        Duration heartbeatInterval, Duration handshakeTimeout, int maxFrameBytes, int ioThreads) {

    public static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;
    /** Three missed beats must fit within the 5 s to report a lost node. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public PeerConfig {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(clusterKey, "clusterKey");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range");
        }
        if (heartbeatInterval.toMillis() < 1 || handshakeTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("heartbeat interval and handshake timeout must be at least 1 ms");
        }
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("a max frame of " + maxFrameBytes + " bytes cannot hold a Hello");
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be at least 1, not " + ioThreads);
        }
    }

    /** Listen on all interfaces at {@code node.port()}, no cluster key, default limits, 2 I/O threads. */
    public static PeerConfig of(NodeInfo node) {
        return new PeerConfig(node, "0.0.0.0", node.port(), Optional.empty(), DEFAULT_HEARTBEAT,
                DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_MAX_FRAME_BYTES, 2);
    }

    public PeerConfig withBind(String host, int port) {
        return new PeerConfig(node, host, port, clusterKey, heartbeatInterval, handshakeTimeout, maxFrameBytes, ioThreads);
    }

    public PeerConfig withClusterKey(ClusterKey key) {
        return new PeerConfig(node, bindHost, port, Optional.ofNullable(key), heartbeatInterval, handshakeTimeout,
                maxFrameBytes, ioThreads);
    }

    public PeerConfig withHeartbeatInterval(Duration interval) {
        return new PeerConfig(node, bindHost, port, clusterKey, interval, handshakeTimeout, maxFrameBytes, ioThreads);
    }

    public PeerConfig withHandshakeTimeout(Duration timeout) {
        return new PeerConfig(node, bindHost, port, clusterKey, heartbeatInterval, timeout, maxFrameBytes, ioThreads);
    }

    public PeerConfig withMaxFrameBytes(int bytes) {
        return new PeerConfig(node, bindHost, port, clusterKey, heartbeatInterval, handshakeTimeout, bytes, ioThreads);
    }

    public PeerConfig withIoThreads(int threads) {
        return new PeerConfig(node, bindHost, port, clusterKey, heartbeatInterval, handshakeTimeout, maxFrameBytes, threads);
    }
}
