package exo.cli;

import exo.models.ModelRegistry;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which models.yaml to read: the one built into exo, or a file the user names. */
public final class RegistryOption {
    @Option(names = "--models-file", paramLabel = "PATH",
            description = "Read models from this YAML file instead of the built-in list "
                    + "(default: $EXO_MODELS_FILE if set).")
    Path modelsFile;

    ModelRegistry registry() {
        Path file = modelsFile;
        if (file == null && System.getenv("EXO_MODELS_FILE") != null) {
            file = Path.of(System.getenv("EXO_MODELS_FILE"));
        }
        return file == null ? ModelRegistry.bundled() : ModelRegistry.load(file);
    }
}
