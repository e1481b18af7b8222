package exo;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the real test models lie: ../shared/models beside the checkout, read in place. */
public final class TestModels {
    private TestModels() {
    }

    public static Path dir() {
        String configured = System.getProperty("exo.shared.models");
        return Path.of(configured != null ? configured : "../shared/models").toAbsolutePath().normalize();
    }

    /**
     * The model file, or the test is skipped with the reason printed. CI always has
     * ../shared; a developer without it sees "skipped", never a silent pass.
     */
    public static Path require(String relative) {
        Path p = dir().resolve(relative);
        if (!Files.isRegularFile(p)) {
            System.err.println("SKIPPED: " + p + " is not here (tests read ../shared/models in place)");
        }
        assumeTrue(Files.isRegularFile(p), p + " is not here");
        return p;
    }

    public static Path stories260K() {
        return require("stories260K.gguf");
    }

    /** The dimensions a plan needs, from the file's header. */
    public static exo.topology.ModelShape shape(Path model) {
        try {
            return exo.engine.java.ModelConfig.from(exo.gguf.GgufFile.readHeader(model).metadata()).shape();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
