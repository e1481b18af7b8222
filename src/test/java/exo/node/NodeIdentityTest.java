package exo.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
    @TempDir
    Path dir;

    /** One process asking again gets the id it claimed; the id is kept in the home for the next start. */
    @Test
    void theIdIsMadeOnceKeptAndTheSameWithinAProcess() throws Exception {
        ExoHome home = new ExoHome(dir.resolve("exo"));
        String id = NodeIdentity.loadOrCreate(home);
        assertTrue(id.matches("exo-[0-9a-f]{16}"), id);
        assertEquals(id, NodeIdentity.loadOrCreate(home));
        assertEquals(id, Files.readString(home.resolve(NodeIdentity.FILE)).strip());
        assertNotEquals(id, NodeIdentity.loadOrCreate(new ExoHome(dir.resolve("other"))), "another home, another id");
    }

    /** A node_id file that holds no id (damaged, edited) is replaced by a new id. */
    @Test
    void aDamagedIdFileIsReplaced() throws Exception {
        ExoHome home = new ExoHome(dir.resolve("damaged"));
        home.ensure();
        Files.writeString(home.resolve(NodeIdentity.FILE), "not an id!\n");
        String id = NodeIdentity.loadOrCreate(home);
        assertTrue(id.matches("exo-[0-9a-f]{16}"), id);
        assertEquals(id, Files.readString(home.resolve(NodeIdentity.FILE)).strip());
    }

    /** A kept id of 64 characters still leaves room for the suffix of a second process. */
    @Test
    void aLongKeptIdIsCutToFitItsSuffix() throws Exception {
        ExoHome home = new ExoHome(dir.resolve("long"));
        home.ensure();
        String kept = "n".repeat(64);
        Files.writeString(home.resolve(NodeIdentity.FILE), kept + "\n");
        // The first lock is taken, as a running process would hold it.
        try (var channel = java.nio.channels.FileChannel.open(home.resolve("node_id.lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             var lock = channel.lock()) {
            String id = NodeIdentity.loadOrCreate(home);
            assertEquals("n".repeat(62) + "-2", id);
        }
    }
}
