package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.discovery.DiscoveryMode;
import exo.discovery.manual.StaticPeers;
import exo.engine.GpuMode;
import exo.engine.select.EngineKind;
import exo.node.ExoHome;
import exo.node.NodeConfig;
import exo.node.ring.ClusterRuntime;
import exo.node.ring.RingModel;
import exo.peer.ModelRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * This test JVM as the tail of a ring over node processes on loopback, started through the
 * cluster runtime every command uses.
 */
final class TestTail {
    private TestTail() {
    }

    /** A tail on loopback that dials {@code peers} (HOST:PORT) only, on the Java engine, 1 GiB. */
    static NodeConfig.Builder config(List<String> peers) {
        return NodeConfig.builder("tail").host("127.0.0.1").memoryBytes(1L << 30)
                .peers(StaticPeers.parseAll(peers)).discovery(DiscoveryMode.STATIC).threads(1)
                .heartbeat(Duration.ofMillis(500)).engine(EngineKind.JAVA).gpu(GpuMode.OFF);
    }

    /** Starts the tail under {@code home} and waits until it sees all {@code peers} nodes. */
    static ClusterRuntime start(NodeConfig config, Path home, int peers, Consumer<String> status) throws Exception {
        ClusterRuntime runtime = ClusterRuntime.start(config, new ExoHome(home),
                new ClusterRuntime.PeerWait(20_000, peers, true), status);
        long deadline = System.currentTimeMillis() + 20_000;
        while (runtime.machines() < peers + 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(peers + 1, runtime.machines(), "the tail sees every node");
        return runtime;
    }

    /** A model in a local file, which nodes without it read from the tail. */
    static RingModel localFile(String id, Path model) throws IOException {
        ModelRef ref = new ModelRef(id, model.getFileName().toString(), Optional.empty(), "local", Files.size(model));
        return new RingModel(id, exo.TestModels.shape(model), shard -> model, path -> ref);
    }
}
