package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import exo.TerminalScreen;
import exo.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a terminal (a pseudo-terminal made by util-linux's script), the slices of a tail's nodes
 * that have no copy of the model each get a bar of their own, named by what goes to which node,
 * and the status lines said while they run stay whole, above them.
 */
class TransferBarsIT {
    @TempDir
    Path home;

    @Test
    void eachNodesSliceHasABarAndTheLinesStayWhole() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "no util-linux script to make a pseudo-terminal");
        List<NodeProcess> nodes = new ArrayList<>();
        try {
            List<String> peers = new ArrayList<>();
            for (String id : List.of("node-a", "node-b")) {
                Path empty = Files.createDirectories(home.resolve(id).resolve("models"));
                NodeProcess n = NodeProcess.start(id, "2GB", home.resolve(id), List.of(), empty, Map.of(), "java");
                nodes.add(n);
                peers.add(n.address());
            }
            List<String> run = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-jar",
                    Path.of(System.getProperty("exo.jar", "target/exo.jar")).toString(), "run", "--model-file",
                    TestModels.stories260K().toString(), "--peers", String.join(",", peers), "--discovery", "static",
                    "--require-peers", "--host", "127.0.0.1", "--memory", "1GB", "--threads", "1", "-n", "4",
                    "--temperature", "0", "--prompt", "Once upon a time");
            String shell = run.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
            Path typescript = home.resolve("terminal.out");
            ProcessBuilder pb = new ProcessBuilder("script", "-q", "-e", "-c", shell, "/dev/null")
                    .redirectOutput(typescript.toFile()).redirectErrorStream(true);
            pb.environment().put("EXO_HOME", home.resolve("tail").toString());
            Process p = pb.start();
            p.getOutputStream().close();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "exo run did not end");
            String raw = Files.readString(typescript);
            assertEquals(0, p.exitValue(), raw);
            List<String> screen = TerminalScreen.of(raw);
            String shown = String.join("\n", screen);
            for (String id : List.of("node-a", "node-b")) {
                assertTrue(screen.stream().anyMatch(l -> l.matches("exo: stories260K layers \\d+-\\d+ for " + id
                        + " 100% \\[#{24}\\] .*/s  ETA 0:00")), shown);
            }
            assertTrue(raw.contains("\033[K"), "the bars were drawn in place: " + shown);
            // Every status line whole, on a line of its own: nothing drawn over anything else.
            List<String> status = screen.stream().filter(l -> l.startsWith("exo: ")).toList();
            assertTrue(status.contains("exo: node-a: ready") && status.contains("exo: node-b: ready"), shown);
            assertTrue(status.stream().anyMatch(l -> l.startsWith("exo: ring: ")), shown);
            assertTrue(screen.stream().allMatch(l -> l.startsWith("exo: ") || l.startsWith("WARNING: ")
                    || !l.contains("exo: ")), "a line with two things on it: " + shown);
        } finally {
            for (NodeProcess n : nodes) {
                n.close();
            }
        }
    }
}
