package exo.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** exo's directory for this user: {@code $EXO_HOME}, else {@code ~/.exo}. */
public record ExoHome(Path dir) {

    public static ExoHome fromEnvironment(Map<String, String> env) {
        String configured = env.get("EXO_HOME");
        return new ExoHome(configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".exo"));
    }

    public Path resolve(String name) {
        return dir.resolve(name);
    }

    public Path ensure() throws IOException {
        return Files.createDirectories(dir);
    }
}
