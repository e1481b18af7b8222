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

    /**
     * A models.yaml naming stories260K (its real dimensions) {@code id}, its one quantization F32
     * at {@code repo}/{@code file}: for tests whose commands fetch a named model from a stand-in hub.
     */
    public static String storiesRegistry(String id, String displayName, String repo, String file) {
        try {
            return """
                    models:
                      - id: %s
                        name: %s
                        architecture: llama
                        layers: 5
                        embedding: 64
                        heads: 8
                        kv_heads: 4
                        head_dim: 8
                        ffn: 172
                        vocab: 512
                        context: 2048
                        parameters: 292800
                        tied_embeddings: false
                        default_quant: F32
                        quants:
                          F32: {repo: %s, file: %s, size: %d}
                    """.formatted(id, displayName, repo, file, Files.size(stories260K()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The dimensions a plan needs, from the file's header. */
    public static exo.topology.ModelShape shape(Path model) {
        try {
            return exo.engine.model.ModelConfig.from(exo.gguf.GgufFile.readHeader(model).metadata()).shape();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
