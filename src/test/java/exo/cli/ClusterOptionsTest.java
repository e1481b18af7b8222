package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.discovery.DiscoveryMode;
import exo.node.ExoHome;
import exo.node.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterOptionsTest {
    @TempDir
    Path home;

    private NodeConfig config(String... args) throws Exception {
        var parsed = CommandFactory.create().parseArgs(args);
        NodeCommand node = (NodeCommand) parsed.subcommand().commandSpec().userObject();
        return node.cluster.toConfig(NodeCommand.DEFAULT_PORT, home, 1, node.engine.kind, node.engine.gpu, new ExoHome(home));
    }

    private static List<String> peers(NodeConfig c) {
        return c.peers().stream().map(Object::toString).toList();
    }

    @Test
    void peersComeFromTheOptionAndThePeersFile() throws Exception {
        Path file = Files.writeString(home.resolve("my-peers"), "# the rack\n10.0.0.2:52416\n\n[fe80::1]:7000  # v6\n");
        NodeConfig c = config("node", "--peers", "10.0.0.1:52416", "--peers-file", file.toString(), "--discovery", "static");
        assertEquals(List.of("10.0.0.1:52416", "10.0.0.2:52416", "[fe80::1]:7000"), peers(c));
        assertEquals(DiscoveryMode.STATIC, c.discovery());
        assertEquals(52416, c.port());
        assertTrue(c.nodeId().startsWith("exo-"), "a stable id is made in the exo home");
        assertEquals(c.nodeId(), config("node").nodeId(), "and kept");
    }

    @Test
    void theEngineIsAutoUnlessNamed() throws Exception {
        assertEquals(exo.engine.select.EngineKind.AUTO, config("node").engine());
        assertEquals(exo.engine.select.EngineKind.GGML, config("node", "--engine", "GGML").engine());
        assertEquals(exo.engine.select.EngineKind.JAVA, config("node", "--engine", "java").engine());
        var e = org.junit.jupiter.api.Assertions.assertThrows(picocli.CommandLine.ParameterException.class,
                () -> config("node", "--engine", "cuda"));
        assertTrue(e.getMessage().contains("'cuda' is not an engine (auto, ggml, java, llama.cpp)"), e.getMessage());
    }

    @Test
    void theDefaultPeersFileIsReadWhenPresent() throws Exception {
        Files.writeString(home.resolve("peers"), "10.9.9.9:1234\n");
        assertEquals(List.of("10.9.9.9:1234"), peers(config("node")));
    }

    @Test
    void aBadEntryNamesTheFileAndLine() throws Exception {
        Path file = Files.writeString(home.resolve("bad"), "10.0.0.2:52416\nnot-a-peer\n");
        var e = assertThrows(exo.InvalidInputException.class, () -> config("node", "--peers-file", file.toString()));
        assertTrue(e.getMessage().contains("bad:2:"), e.getMessage());
    }
}
