package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.download.ExoProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `exo run` through a ring of two real `exo node` processes, as a script would run it: the answer
 * at temperature 0 is the one this machine alone gives, the ring it used is on stderr, and a node
 * killed mid-answer changes nothing the script reads.
 */
class RunRingIT {
    private static final String PROMPT = "Once upon a time";

    @TempDir
    Path home;

    private ExoProcess.Result alone(int tokens) throws Exception {
        ExoProcess.Result r = ExoProcess.run(home, Map.of("EXO_HOME", home.resolve("alone").toString()), "run",
                "--model-file", TestModels.stories260K().toString(), "--discovery", "static", "--temperature", "0",
                "-n", String.valueOf(tokens), "--threads", "1", "--prompt", PROMPT);
        assertEquals(0, r.exitCode(), r.err());
        return r;
    }

    private ExoProcess startRun(List<NodeProcess> nodes, int tokens) throws Exception {
        List<String> peers = new ArrayList<>();
        for (NodeProcess n : nodes) {
            peers.add(n.address());
        }
        return ExoProcess.start(home, Map.of("EXO_HOME", home.resolve("tail").toString()), "run", "--model-file",
                TestModels.stories260K().toString(), "--peers", String.join(",", peers), "--discovery", "static",
                "--require-peers", "--host", "127.0.0.1", "--memory", "1GB", "--threads", "1", "--heartbeat-ms", "500",
                "--temperature", "0", "-n", String.valueOf(tokens), "--prompt", PROMPT);
    }

    @Test
    void aRunThroughTwoNodesAnswersAsThisMachineAlone() throws Exception {
        String expected = alone(100).out();
        try (NodeProcess a = NodeProcess.start("node-a", "8GB", home.resolve("node-a"), List.of(), TestModels.dir(),
                Map.of(), "ggml");
             NodeProcess b = NodeProcess.start("node-b", "4GB", home.resolve("node-b"), List.of(), TestModels.dir(),
                     Map.of(), "java");
             ExoProcess run = startRun(List.of(a, b), 100)) {
            ExoProcess.Result r = run.await(120);
            assertEquals(0, r.exitCode(), r.err());
            assertEquals(expected, r.out());
            assertTrue(r.err().lines().anyMatch(l -> l.startsWith("exo: ring: node-a [layers 0-")
                    && l.contains(" -> node-b [layers ") && l.contains(" -> this machine [layers ")), r.err());
        }
    }

    @Test
    void aNodeKilledMidAnswerLeavesTheAnswerUnchanged() throws Exception {
        // Long enough that the kill lands mid-answer: stories260K writes thousands of tokens a second.
        int tokens = 1500;
        String expected = alone(tokens).out();
        try (NodeProcess a = NodeProcess.start("node-a", "8GB", home.resolve("node-a"), List.of(), TestModels.dir(),
                Map.of(), "ggml");
             NodeProcess b = NodeProcess.start("node-b", "4GB", home.resolve("node-b"), List.of(), TestModels.dir(),
                     Map.of(), "ggml");
             ExoProcess run = startRun(List.of(a, b), tokens)) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (run.stdoutSoFar().length() < 200 && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(run.stdoutSoFar().length() >= 200, "the answer started");
            assertTrue(run.stdoutSoFar().length() < expected.length(), "the kill comes before the answer ends");
            b.kill();
            ExoProcess.Result r = run.await(120);
            assertEquals(0, r.exitCode(), r.err());
            assertEquals(expected, r.out());
            assertTrue(r.err().contains("node-b") && r.err().contains("was lost"), r.err());
        }
    }
}
