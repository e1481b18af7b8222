package exo.discovery.manual;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Any bytes as a peers file or a --peers list: addresses, or an InvalidInputException (one line, exit 2). */
class PeersFuzzTest {
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("exo-peers-fuzz", ".txt");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void peersParseOrAreRefused(byte[] data) throws IOException {
        Files.write(FILE, data);
        try {
            StaticPeers.readFile(FILE);
        } catch (exo.InvalidInputException refused) {
            // said in one line
        }
        try {
            StaticPeers.parseList(new String(data, java.nio.charset.StandardCharsets.UTF_8));
        } catch (exo.InvalidInputException refused) {
            // said in one line
        }
    }
}
