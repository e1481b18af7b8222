package exo.grammar;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import exo.TestModels;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Text files from the vendored llama.cpp sources (../shared/vendor/llama.cpp-b4916.tar.gz),
 * read in place from the tarball; the test is skipped when the tarball is not there.
 */
final class VendoredLlamaCpp {
    private VendoredLlamaCpp() {
    }

    /** The files whose path inside the tarball matches {@code regex}, by path. */
    static Map<String, String> files(String regex) throws IOException {
        Path tarball = TestModels.dir().getParent().resolve("vendor/llama.cpp-b4916.tar.gz");
        if (!Files.isRegularFile(tarball)) {
            System.err.println("SKIPPED: " + tarball + " is not here");
        }
        assumeTrue(Files.isRegularFile(tarball), tarball + " is not here");
        Map<String, String> out = new TreeMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball), 1 << 16)) {
            DataInputStream data = new DataInputStream(in);
            byte[] header = new byte[512];
            while (true) {
                data.readFully(header);
                if (header[0] == 0) {
                    break;
                }
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                String path = prefix.isEmpty() ? name : prefix + "/" + name;
                String octal = field(header, 124, 12).trim();
                long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
                byte[] body = new byte[(int) size];
                data.readFully(body);
                data.skipNBytes((512 - size % 512) % 512);
                if (path.matches(regex)) {
                    out.put(path, new String(body, StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static String field(byte[] h, int at, int length) {
        int end = at;
        while (end < at + length && h[end] != 0) {
            end++;
        }
        return new String(h, at, end - at, StandardCharsets.US_ASCII);
    }
}
