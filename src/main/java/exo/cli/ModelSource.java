package exo.cli;

import exo.download.HubCache;
import exo.models.ModelSpec;
import exo.models.QuantFile;
import exo.peer.ModelRef;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The model a command runs: a models.yaml id whose GGUF is already in the Hugging Face cache,
 * or an explicit {@code --model-file}. The id itself is a positional parameter of the command.
 */
public final class ModelSource {
    @Option(names = "--model-file", paramLabel = "PATH.gguf", description = "Run this GGUF file instead of a named model.")
    Path modelFile;

    @Option(names = "--quant", paramLabel = "QUANT", completionCandidates = Completions.Quants.class,
            description = "Quantization of a named model (default: its default).")
    String quant;

    @Mixin
    RegistryOption registry;

    boolean hasFile() {
        return modelFile != null;
    }

    /**
     * The named model's GGUF if it is already on this machine: in the Hugging Face cache, or as a
     * shard of all its layers under the exo home (what a chat that ran alone fetched for itself).
     */
    java.util.Optional<Path> findLocal(String modelId) {
        ModelSpec spec = registry.registry().get(modelId);
        QuantFile q = spec.quant(quant);
        java.util.Optional<Path> cached = HubCache.fromEnvironment(System.getenv()).find(q.repo(), q.file());
        if (cached.isPresent()) {
            return cached;
        }
        Path whole = exo.download.ShardStore.under(exo.node.ExoHome.fromEnvironment(System.getenv()).dir())
                .path(new exo.download.HubFile(q.repo(), q.file(), "main"), 0, spec.layers());
        return Files.isRegularFile(whole) ? java.util.Optional.of(whole) : java.util.Optional.empty();
    }

    /** The GGUF to open for {@code modelId} (null when --model-file is given). */
    Path resolve(String modelId) throws NoSuchFileException {
        if (modelFile != null) {
            if (modelId != null) {
                throw UserException.usage("give a model id or --model-file, not both");
            }
            if (Files.isDirectory(modelFile)) {
                throw UserException.usage("--model-file " + modelFile
                        + " is a directory; give the .gguf file in it");
            }
            if (!Files.isRegularFile(modelFile)) {
                throw new NoSuchFileException(modelFile.toString(), null, "no such file");
            }
            return modelFile;
        }
        if (modelId == null) {
            throw UserException.usage("name a model (see exo models) or give --model-file PATH.gguf");
        }
        ModelSpec spec = registry.registry().get(modelId);
        QuantFile q = spec.quant(quant);
        return findLocal(modelId).orElseThrow(() -> new UserException(ExitCode.USAGE,
                spec.id() + " " + q.quant() + " (" + q.repo() + "/" + q.file() + ") is not on this machine (looked in "
                        + HubCache.fromEnvironment(System.getenv()).root() + "); run 'exo download " + spec.id()
                        + (quant != null ? " --quant " + q.quant() : "") + "' first, or give --model-file PATH.gguf"));
    }

    /**
     * What the other nodes of a ring load: a named model's published file (fetched where they
     * lack it), or, for --model-file, a file of the same name under their models directory.
     */
    ModelRef ringModel(ModelSpec named, String modelId, Path path) throws java.io.IOException {
        if (named != null) {
            QuantFile q = named.quant(quant);
            return new ModelRef(named.id(), q.file(), java.util.Optional.of(q.repo()), q.quant(), q.size());
        }
        return new ModelRef(modelId, path.getFileName().toString(), java.util.Optional.empty(), "local",
                Files.size(path));
    }
}
