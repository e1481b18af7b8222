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
 * ran) the id is free again.
 */
class NodeIdentityIT {
    private static final Pattern ID = Pattern.compile("exo node (\\S+) \\(");

    @TempDir
    Path home;

    @Test
    void processesSharingAnExoHomeGetIdsOfTheirOwn() throws Exception {
        Map<String, String> env = Map.of("EXO_HOME", home.resolve("exo").toString());
        String[] node = {"node", "--host", "127.0.0.1", "--port", "0", "--discovery", "static", "--memory", "1GB",
                "--threads", "1"};
        try (ExoProcess first = ExoProcess.start(home.resolve("a"), env, node);
             ExoProcess second = ExoProcess.start(home.resolve("b"), env, node)) {
            String a = first.awaitStderr(ID, 60).group(1);
            String b = second.awaitStderr(ID, 60).group(1);
            String kept = Files.readString(home.resolve("exo").resolve("node_id")).strip();
            assertTrue(a.equals(kept) || b.equals(kept), a + " " + b + " " + kept);
            assertEquals(kept + "-2", a.equals(kept) ? b : a);
            (a.equals(kept) ? first : second).kill();
            try (ExoProcess third = ExoProcess.start(home.resolve("c"), env, node)) {
                assertEquals(kept, third.awaitStderr(ID, 60).group(1), "the killed process's id is free again");
            }
        }
    }
}
