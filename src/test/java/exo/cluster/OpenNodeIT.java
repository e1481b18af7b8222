package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.node.ring.ClusterRuntime;
import exo.node.ring.RingModel;
import exo.node.ring.RingSettings;
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
            List<String> status = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (ClusterRuntime tail = TestTail.start(TestTail.config(List.of(node.address())).build(),
                    home.resolve("tail"), 1, status::add)) {
                ModelRef foreign = new ModelRef("stories260K", "anything.gguf", Optional.of("someone/whatever"), "F32",
                        1185376);
                RingModel model = new RingModel("stories260K", TestModels.shape(TestModels.stories260K()),
                        shard -> TestModels.stories260K(), path -> foreign);
                var ring = tail.ring(model, new RingSettings(512, WireDtype.F32, Duration.ofMinutes(1),
                        Duration.ofMinutes(1))).engine();
                // The node refused: the ring is planned again without it, on this machine alone.
                assertEquals(1, ring.current().ring().size(), status.toString());
                assertTrue(status.stream().anyMatch(l -> l.contains("fetches only models its models.yaml names")
                        && l.endsWith("planning again without it")), status.toString());
                assertTrue(node.awaitLog("refused a load from tail", 10_000), node.log());
            }
        }
    }
}
