package exo.download;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Settings and helpers shared by the download tests. */
final class Hubs {
    static final String REPO = "ggml-org/models";
    static final String FILE = "tinyllamas/stories260K.gguf";

    private Hubs() {
    }

    /** Talks to {@code endpoint} with millisecond retries, so failure tests stay fast. */
    static HfSettings fast(URI endpoint) {
        return HfSettings.of(endpoint)
                .withRetry(new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(40)))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return FakeHub.sha256(in.readAllBytes());
        }
    }
}
