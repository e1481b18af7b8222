package exo.node;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * This node's id, made once and kept in the exo home directory so that a restarted node is
 * recognised as the same machine (its place in plans, its cached shards).
 *
 * <p>Every running exo process needs an id of its own: two with one id (an `exo node` and an
 * `exo chat` started from one home, or `exo serve` and `exo bench`) would look to their peers
 * like one node connected twice, and one connection would be closed as a duplicate. So each
 * process claims its id with a lock file it holds while it runs (the operating system drops
 * the lock when the process ends, however it ends): the first process on a home is the kept
 * id, the next ones take the kept id with "-2", "-3" and so on.
 */
public final class NodeIdentity {
    static final String FILE = "node_id";
    /** Processes on one home that get an id derived from the kept one; past that, a random id. */
    static final int MAX_CLAIMS = 64;

    /** The id this process claimed per home, and the locks it holds open until it ends. */
    private static final Map<Path, String> CLAIMED = new HashMap<>();
    private static final List<FileChannel> HELD = new ArrayList<>();

    private NodeIdentity() {
    }

    public static synchronized String loadOrCreate(ExoHome home) throws IOException {
        Path dir = home.dir().toAbsolutePath().normalize();
        String claimed = CLAIMED.get(dir);
        if (claimed != null) {
            return claimed;
        }
        String kept = keptId(home);
        String id = claim(dir, kept);
        CLAIMED.put(dir, id);
        return id;
    }

    /** The id kept in the home, made and written there the first time. */
    private static String keptId(ExoHome home) throws IOException {
        Path file = home.resolve(FILE);
        boolean damaged = false;
        if (Files.isRegularFile(file)) {
            String id = Files.readString(file).strip();
            if (id.matches("[A-Za-z0-9._-]{1,64}")) {
                return id;
            }
            damaged = true;
        }
        String id = randomId();
        home.ensure();
        Path tmp = Files.createTempFile(home.dir(), FILE, ".tmp");
        try {
            Files.writeString(tmp, id + "\n");
            if (damaged) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return id;
            }
            // A link appears whole and fails if the file exists: two processes starting on a new
            // home at once agree on the id of whichever linked first.
            Files.createLink(file, tmp);
            return id;
        } catch (java.nio.file.FileAlreadyExistsException other) {
            return keptId(home);
        } catch (UnsupportedOperationException | IOException noLinks) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return id;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The first of the kept id, "-2", "-3", ... whose lock no other running process holds. */
    private static String claim(Path dir, String kept) {
        for (int n = 1; n <= MAX_CLAIMS; n++) {
            Path lockFile = dir.resolve(n == 1 ? FILE + ".lock" : FILE + "." + n + ".lock");
            try {
                FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException inThisProcess) {
                    lock = null;
                }
                if (lock != null) {
                    HELD.add(channel);
                    if (n == 1) {
                        return kept;
                    }
                    String suffix = "-" + n;
                    return kept.substring(0, Math.min(kept.length(), 64 - suffix.length())) + suffix;
                }
                channel.close();
            } catch (IOException unlockable) {
                // A home we cannot write locks in (read-only, odd file system): the kept id, as before.
                return kept;
            }
        }
        return randomId();
    }

    private static String randomId() {
        byte[] random = new byte[8];
        new java.security.SecureRandom().nextBytes(random);
        return "exo-" + HexFormat.of().formatHex(random);
    }
}
