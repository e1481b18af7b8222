package exo.node;

import exo.discovery.DiscoveryMode;
import exo.discovery.PeerAddress;
import exo.engine.GpuMode;
import exo.engine.select.EngineKind;
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
            throw new IllegalArgumentException("--port must be between 0 and 65535, not " + port);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        if (memoryBytes != null && memoryBytes < 0) {
            throw new IllegalArgumentException("--memory must not be negative");
        }
    }
}
