package exo.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;

/**
 * This node's id, made once and kept in the exo home directory so that a restarted node is
 * recognised as the same machine (its place in plans, its cached shards).
 */
public final class NodeIdentity {
    static final String FILE = "node_id";

    private NodeIdentity() {
    }

    public static String loadOrCreate(ExoHome home) throws IOException {
        Path file = home.resolve(FILE);
        if (Files.isRegularFile(file)) {
            String id = Files.readString(file).strip();
            if (id.matches("[A-Za-z0-9._-]{1,64}")) {
                return id;
            }
        }
        byte[] random = new byte[8];
        new java.security.SecureRandom().nextBytes(random);
        String id = "exo-" + HexFormat.of().formatHex(random);
        home.ensure();
        Path tmp = Files.createTempFile(home.dir(), FILE, ".tmp");
        Files.writeString(tmp, id + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return id;
    }
}
