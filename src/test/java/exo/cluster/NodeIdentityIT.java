package exo.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.download.ExoProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two exo processes started from one exo home (a node and a chat in two terminals, serve and
 * bench) are two nodes to their peers, so each needs an id of its own: the first keeps the
 * home's id, the next gets it with "-2"; and once the first is gone (killed, so no clean-up
 * ran) the id is free again. Both are named by the host name, so `exo peers` tells them apart by
 * a piece of the id ("vm-583d", "vm-583d-2").
 */
class NodeIdentityIT {
    private static final Pattern ID = Pattern.compile("exo node (.+) \\(id (\\S+)\\) listening on [0-9.]+:(\\d+)");

    @TempDir
    Path home;

    @Test
    void processesSharingAnExoHomeGetIdsOfTheirOwn() throws Exception {
        Map<String, String> env = Map.of("EXO_HOME", home.resolve("exo").toString());
        String[] node = {"node", "--host", "127.0.0.1", "--port", "0", "--discovery", "static", "--memory", "1GB",
                "--threads", "1"};
        try (ExoProcess first = ExoProcess.start(home.resolve("a"), env, node);
             ExoProcess second = ExoProcess.start(home.resolve("b"), env, node)) {
            java.util.regex.Matcher am = first.awaitStderr(ID, 60);
            java.util.regex.Matcher bm = second.awaitStderr(ID, 60);
            String a = am.group(2);
            String b = bm.group(2);
            String kept = Files.readString(home.resolve("exo").resolve("node_id")).strip();
            assertTrue(a.equals(kept) || b.equals(kept), a + " " + b + " " + kept);
            assertEquals(kept + "-2", a.equals(kept) ? b : a);
            // One machine, so one host name: the tables tell the two apart by a piece of the id.
            assertEquals(am.group(1), bm.group(1), "both are named by the host name");
            String host = am.group(1);
            String shortKept = kept.substring(4, 8);
            ExoProcess.Result peers = ExoProcess.run(home.resolve("peers"), Map.of("EXO_HOME",
                    home.resolve("survey").toString()), "peers", "--discovery", "static", "--peers",
                    "127.0.0.1:" + am.group(3) + ",127.0.0.1:" + bm.group(3));
            assertEquals(0, peers.exitCode(), peers.err());
            assertTrue(peers.out().lines().anyMatch(l -> l.startsWith(kept + " ") && l.contains(" " + host + "-"
                    + shortKept + " ")), peers.out());
            assertTrue(peers.out().lines().anyMatch(l -> l.startsWith(kept + "-2 ") && l.contains(" " + host + "-"
                    + shortKept + "-2 ")), peers.out());
            // A run through both (its own name is the host name too): its lines use the same labels.
            ExoProcess.Result run = ExoProcess.run(home.resolve("run"), Map.of("EXO_HOME",
                    home.resolve("tail").toString()), "run", "--model-file", exo.TestModels.stories260K().toString(),
                    "--peers", "127.0.0.1:" + am.group(3) + ",127.0.0.1:" + bm.group(3), "--discovery", "static",
                    "--require-peers", "--host", "127.0.0.1", "--memory", "1GB", "--threads", "1", "--temperature", "0",
                    "-n", "4", "--prompt", "Once upon a time");
            assertEquals(0, run.exitCode(), run.err());
            String a1 = host + "-" + shortKept;
            String a2 = host + "-" + shortKept + "-2";
            assertTrue(run.err().contains("exo: found 2 nodes: " + a1 + ", " + a2 + "\n"), run.err());
            assertTrue(run.err().lines().anyMatch(l -> l.startsWith("exo: ring: ") && l.contains(a1 + " [layers ")
                    && l.contains(a2 + " [layers ") && l.contains("this machine [layers ")), run.err());
            (a.equals(kept) ? first : second).kill();
            try (ExoProcess third = ExoProcess.start(home.resolve("c"), env, node)) {
                assertEquals(kept, third.awaitStderr(ID, 60).group(2), "the killed process's id is free again");
            }
        }
    }
}
