package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.netns.NetworkNamespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real multicast between real `exo node` processes: three network namespaces on one bridge, a
 * node in each, and `exo peers` in a fourth. Every node connects to the other two, and exo peers
 * lists all three as reachable, within 10 seconds. Skipped, with the reason printed, where
 * network namespaces cannot be made (not root).
 */
class NodesInNamespacesIT {
    private static final String TAG = "exonode";
    private static final long SEE_EACH_OTHER_MS = 10_000;

    @TempDir
    Path tmp;
    private NetworkNamespaces lan;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void makeLan() throws IOException {
        var reason = NetworkNamespaces.unavailable();
        if (reason.isPresent()) {
            System.out.println("SKIPPED NodesInNamespacesIT: " + reason.get());
        }
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.orElse(""));
        NetworkNamespaces.deleteStale(TAG);
        lan = new NetworkNamespaces(TAG);
    }

    @AfterEach
    void removeLan() throws Exception {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (lan != null) {
            lan.close();
        }
    }

    private List<String> exo(String home, String... args) {
        List<String> cmd = new ArrayList<>(List.of("env", "EXO_HOME=" + tmp.resolve(home),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-jar", Path.of(System.getProperty("exo.jar", "target/exo.jar")).toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void threeNodesAndExoPeersSeeEachOtherWithinTenSeconds() throws Exception {
        List<NetworkNamespaces.Host> hosts = lan.bridgedLan(4, "10.232.0");
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var host = hosts.get(i);
            Path log = tmp.resolve("node" + i + ".log");
            logs.add(log);
            processes.add(lan.start(host.namespace(), exo("n" + i, "node", "--host", host.address(), "--port", "52416",
                    "--node-id", "n" + i, "--name", "n" + i, "--memory", (i + 1) + "GB", "--discovery", "mdns"), log));
        }
        for (Path log : logs) {
            waitFor(log, "listening on", 60_000);
        }
        long up = System.currentTimeMillis();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                if (i != j) {
                    waitFor(logs.get(i), "(n" + j + ") connected", up + SEE_EACH_OTHER_MS - System.currentTimeMillis());
                }
            }
        }
        System.out.printf("exo nodes in namespaces: all connected %d ms after the last node was listening%n",
                System.currentTimeMillis() - up);

        Path peersOut = tmp.resolve("peers.json");
        Process peers = new ProcessBuilder(lanCommand(hosts.get(3).namespace(),
                exo("listener", "peers", "--discovery", "mdns", "--wait-ms", "8000", "--json")))
                .redirectOutput(peersOut.toFile()).redirectError(tmp.resolve("peers.err").toFile()).start();
        processes.add(peers);
        assertTrue(peers.waitFor(60, TimeUnit.SECONDS), "exo peers did not finish");
        assertEquals(0, peers.exitValue(), Files.readString(tmp.resolve("peers.err")));
        JsonNode seen = new ObjectMapper().readTree(Files.readString(peersOut)).get("peers");
        Set<String> ids = new HashSet<>();
        seen.forEach(n -> {
            assertTrue(n.get("reachable").asBoolean(), seen.toString());
            ids.add(n.get("id").asText());
        });
        assertEquals(Set.of("n0", "n1", "n2"), ids, seen.toString());
    }

    /**
     * A chat on one host of a LAN, its ring over two nodes found by multicast DNS on two others;
     * one node is killed (SIGKILL) as the answer begins: the chat goes on over the other and
     * answers exactly as the same chat alone.
     */
    @Test
    void aChatOnTheLanGoesOnWhenANodeIsKilled() throws Exception {
        List<NetworkNamespaces.Host> hosts = lan.bridgedLan(3, "10.233.0");
        String models = exo.TestModels.dir().toAbsolutePath().toString();
        List<Process> nodes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            var host = hosts.get(i);
            Path log = tmp.resolve("node" + i + ".log");
            nodes.add(lan.start(host.namespace(), exo("n" + i, "node", "--host", host.address(), "--port", "52416",
                    "--node-id", "n" + i, "--name", "n" + i, "--memory", "8GB", "--discovery", "mdns", "--models-dir",
                    models, "--threads", "1"), log));
            waitFor(log, "listening on", 60_000);
        }
        processes.addAll(nodes);
        String chatHost = hosts.get(2).namespace();
        String[] alone = chatIn(chatHost, "alone", List.of("--discovery", "static"), null);
        String[] ring = chatIn(chatHost, "ring", List.of("--discovery", "mdns", "--host", hosts.get(2).address(),
                "--memory", "1GB", "--wait-ms", "6000"), nodes.get(0));
        assertTrue(ring[1].contains("was lost") && ring[1].contains("continuing on"), ring[1]);
        assertEquals(alone[0], ring[0], ring[1]);
    }

    /** `exo chat` in {@code namespace} over piped input; kills {@code victim} once the answer begins. */
    private String[] chatIn(String namespace, String name, List<String> extra, Process victim) throws Exception {
        List<String> args = new ArrayList<>(List.of("chat", "--model-file",
                exo.TestModels.stories260K().toAbsolutePath().toString(), "--temperature", "0", "-n", "120",
                "--threads", "1"));
        args.addAll(extra);
        Path out = tmp.resolve(name + ".out");
        Path err = tmp.resolve(name + ".err");
        Process chat = new ProcessBuilder(lanCommand(namespace, exo(name, args.toArray(String[]::new))))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        processes.add(chat);
        try (var in = chat.getOutputStream()) {
            in.write("Once upon a time\nThe little dog\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (victim != null) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (Files.size(out) == 0 && chat.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            victim.destroyForcibly();
        }
        assertTrue(chat.waitFor(120, TimeUnit.SECONDS), "exo chat did not finish: " + Files.readString(err));
        assertEquals(0, chat.exitValue(), Files.readString(err));
        return new String[] {Files.readString(out), Files.readString(err)};
    }

    private static List<String> lanCommand(String namespace, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        cmd.addAll(command);
        return cmd;
    }

    private static void waitFor(Path log, String text, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + Math.max(0, millis);
        while (true) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("'" + text + "' not in " + log.getFileName() + " in time:\n"
                        + (Files.exists(log) ? Files.readString(log) : "(no log)"));
            }
            Thread.sleep(50);
        }
    }
}
