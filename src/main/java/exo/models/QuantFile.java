package exo.models;

import java.util.Objects;

/**
 * A published GGUF file of one quantization: where it is on Hugging Face and how big.
 * Split files name their first part; {@code size} is then the total over {@code parts}.
 */
public record QuantFile(String quant, String repo, String file, long size, int parts) {

    public QuantFile {
        Objects.requireNonNull(quant, "quant");
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(file, "file");
        if (!repo.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("repo '" + repo + "' is not ORG/NAME");
        }
        // Byte-split uploads ("X.gguf.part1of5", joined with cat) exist for the largest models.
        if (!file.endsWith(".gguf") && !file.matches(".*\\.gguf\\.part1of\\d+")) {
            throw new IllegalArgumentException("file '" + file + "' is not a .gguf file");
        }
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive");
        }
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be at least 1");
        }
    }
}
