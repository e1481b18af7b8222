package exo.node;

import exo.download.HubCache;
import exo.peer.ModelRef;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the GGUF a {@link ModelRef} names on this machine: in the node's models directory
 * (by the file's path, then by its bare name), then in the Hugging Face cache when the
 * reference names a repository.
 */
public record ModelLocator(Path modelsDir, HubCache hubCache) {

    public Optional<Path> find(ModelRef model) {
        for (Path p : candidates(model)) {
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public Path require(ModelRef model) throws NoSuchFileException {
        return find(model).orElseThrow(() -> new NoSuchFileException(model.fileName(), null,
                "not found in " + String.join(", ", candidates(model).stream().map(Path::toString).toList())));
    }

    private List<Path> candidates(ModelRef model) {
        List<Path> out = new ArrayList<>();
        if (modelsDir != null) {
            out.add(modelsDir.resolve(model.fileName()));
            out.add(modelsDir.resolve(Path.of(model.fileName()).getFileName()));
        }
        model.repo().ifPresent(repo -> hubCache.find(repo, model.fileName()).ifPresent(out::add));
        return out;
    }
}
