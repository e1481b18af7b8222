package exo.node;

import exo.InvalidInputException;
import exo.discovery.DiscoveryMode;
import exo.discovery.PeerAddress;
import exo.engine.GpuMode;
import exo.engine.select.EngineKind;
import exo.peer.PeerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a running node is configured with, in one value rather than a long constructor.
 *
 * @param memoryBytes usable memory to advertise; null measures it
 * @param peers       static peers to dial, for networks where multicast is blocked
 * @param discovery   how peers are found: multicast DNS, the static list, or both
 * @param clusterKey  the shared secret, when the cluster has one
 * @param modelsDir   where this node looks for GGUF files named in load requests
 * @param engine      which engine computes its slices ({@code auto}: ggml where it loads)
 * @param gpu         whether ggml may compute on a GPU ({@code auto}: the first it has a backend for)
 * @param sessionIdle how long a session may do nothing before this node frees it (its tail replays it
 *                    if it comes back)
 * @param maxFrameBytes the largest frame this node sends or takes; a longer prompt crosses in chunks
 */
public record NodeConfig(String nodeId, String name, String host, int port, Long memoryBytes, List<PeerAddress> peers,
                         DiscoveryMode discovery, Path modelsDir, int threads, Optional<String> clusterKey,
                         Duration heartbeat, EngineKind engine, GpuMode gpu, Duration sessionIdle,
                         int maxFrameBytes) {

    public NodeConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        peers = List.copyOf(peers);
        Objects.requireNonNull(clusterKey, "clusterKey");
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(gpu, "gpu");
        if (sessionIdle.isNegative() || sessionIdle.isZero()) {
            throw new IllegalArgumentException("the session idle time must be positive");
        }
        if (port < 0 || port > 65535) {
            throw new InvalidInputException("port", "a port is between 0 and 65535, not " + port);
        }
        if (threads < 1) {
            throw new InvalidInputException("threads", "a node needs at least one thread, not " + threads);
        }
        if (memoryBytes != null && memoryBytes < 0) {
            throw new InvalidInputException("memory", "memory must not be negative");
        }
        if (maxFrameBytes < 1 << 16) {
            throw new IllegalArgumentException("frames of " + maxFrameBytes + " bytes are too small for any message");
        }
    }

    /**
     * A node with exo's defaults (any free port on every interface, LAN and static discovery, the
     * auto engine on the CPU, one thread, heartbeats every second, sessions freed after 30 idle
     * minutes, 64 MiB frames), which the builder's setters change.
     */
    public static Builder builder(String nodeId) {
        return new Builder(nodeId);
    }

    /** Builds a {@link NodeConfig} from exo's defaults; each setter returns the builder. */
    public static final class Builder {
        private final String nodeId;
        private String name;
        private String host = "0.0.0.0";
        private int port;
        private Long memoryBytes;
        private List<PeerAddress> peers = List.of();
        private DiscoveryMode discovery = DiscoveryMode.BOTH;
        private Path modelsDir;
        private int threads = 1;
        private Optional<String> clusterKey = Optional.empty();
        private Duration heartbeat = Duration.ofSeconds(1);
        private EngineKind engine = EngineKind.AUTO;
        private GpuMode gpu = GpuMode.OFF;
        private Duration sessionIdle = Duration.ofMinutes(30);
        private int maxFrameBytes = PeerConfig.DEFAULT_MAX_FRAME_BYTES;

        private Builder(String nodeId) {
            this.nodeId = nodeId;
            this.name = nodeId;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Usable memory to advertise; null measures it. */
        public Builder memoryBytes(Long memoryBytes) {
            this.memoryBytes = memoryBytes;
            return this;
        }

        public Builder peers(List<PeerAddress> peers) {
            this.peers = peers;
            return this;
        }

        public Builder discovery(DiscoveryMode discovery) {
            this.discovery = discovery;
            return this;
        }

        public Builder modelsDir(Path modelsDir) {
            this.modelsDir = modelsDir;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder clusterKey(Optional<String> clusterKey) {
            this.clusterKey = clusterKey;
            return this;
        }

        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = heartbeat;
            return this;
        }

        public Builder engine(EngineKind engine) {
            this.engine = engine;
            return this;
        }

        public Builder gpu(GpuMode gpu) {
            this.gpu = gpu;
            return this;
        }

        public Builder sessionIdle(Duration sessionIdle) {
            this.sessionIdle = sessionIdle;
            return this;
        }

        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        public NodeConfig build() {
            return new NodeConfig(nodeId, name, host, port, memoryBytes, peers, discovery, modelsDir, threads,
                    clusterKey, heartbeat, engine, gpu, sessionIdle, maxFrameBytes);
        }
    }
}
