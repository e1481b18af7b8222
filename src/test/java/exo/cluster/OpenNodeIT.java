package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.discovery.DiscoveryMode;
import exo.engine.GpuMode;
import exo.engine.select.EngineKind;
import exo.node.ExoHome;
import exo.node.Node;
import exo.node.NodeConfig;
import exo.node.ring.RingBuilder;
import exo.peer.ModelRef;
import exo.peer.WireDtype;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node without a cluster key will not fetch, for whoever asks, a file its models.yaml does not name. */
class OpenNodeIT {
    @TempDir
    Path home;

    @Test
    void anOpenNodeFetchesOnlyWhatItsModelsYamlNames() throws Exception {
        try (NodeProcess node = NodeProcess.start("node-a", "8GB", home.resolve("node-a"), List.of(), home,
                Map.of("HF_ENDPOINT", "http://127.0.0.1:9"), "java")) {
            NodeConfig config = new NodeConfig("tail", "tail", "127.0.0.1", 0, 1L << 30,
                    exo.discovery.manual.StaticPeers.parseAll(List.of(node.address())), DiscoveryMode.STATIC, null, 1,
                    Optional.empty(), Duration.ofMillis(500), EngineKind.JAVA, GpuMode.OFF, Node.SESSION_IDLE,
                    exo.peer.PeerConfig.DEFAULT_MAX_FRAME_BYTES);
            try (Node tail = Node.start(config, new ExoHome(home.resolve("tail")))) {
                tail.awaitPeers(20_000, 0);
                RingBuilder builder = new RingBuilder(tail, line -> { });
                ModelRef foreign = new ModelRef("stories260K", "anything.gguf", Optional.of("someone/whatever"), "F32",
                        1185376);
                var e = assertThrows(RingBuilder.LoadFailure.class, () -> builder.build(builder.plan("stories260K", exo.TestModels.shape(exo.TestModels.stories260K())),
                        foreign, TestModels.stories260K(), 512, WireDtype.F32, Duration.ofMinutes(1),
                        Duration.ofMinutes(1)));
                assertTrue(e.getMessage().contains("fetches only models its models.yaml names"), e.getMessage());
                assertTrue(node.awaitLog("refused a load from tail", 10_000), node.log());
            }
        }
    }
}
