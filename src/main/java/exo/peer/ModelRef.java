package exo.peer;

import java.util.Objects;
import java.util.Optional;

/**
 * Which weights a node should load: the model id users name (models.yaml), the GGUF file,
 * where it can be fetched from (a Hugging Face repo; empty for a local file), its
 * quantization and its size in bytes (0 when unknown), so a node can check its copy.
 */
public record ModelRef(String id, String fileName, Optional<String> repo, String quant, long sizeBytes) {

    public ModelRef {
        Fields.name(id, "model id", 256);
        Fields.name(fileName, "model file name", 1024);
        // The receiving node resolves the file under its models directory: no escaping it.
        if (fileName.startsWith("/") || fileName.startsWith("\\") || fileName.matches("(?s)(.*[/\\\\])?\\.\\.([/\\\\].*)?")) {
            throw new IllegalArgumentException("model file name '" + fileName + "' must be a relative path inside the models directory");
        }
        Objects.requireNonNull(repo, "repo");
        repo.ifPresent(r -> Fields.name(r, "model repo", 256));
        Fields.name(quant, "quantization", 64);
        Fields.nonNegative(sizeBytes, "model size");
    }
}
