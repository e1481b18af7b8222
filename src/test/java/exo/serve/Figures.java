package exo.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Figures the serve tests measure (not assert): appended to target/serve-figures.txt, so the build stays quiet. */
final class Figures {
    private static final Path FILE = Path.of("target", "serve-figures.txt");

    private Figures() {
    }

    static synchronized void note(String line) {
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
