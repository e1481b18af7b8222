package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed scripts must be what the build generates from today's command model. */
class CompletionScriptsTest {
    @Test
    void committedScriptsMatchTheCommandModel() throws IOException {
        assertEquals(CompletionScripts.bash(), Files.readString(Path.of("completions/exo.bash")),
                "completions/exo.bash is stale: run 'mvn package' and commit completions/");
        assertEquals(CompletionScripts.zsh(), Files.readString(Path.of("completions/exo.zsh")),
                "completions/exo.zsh is stale: run 'mvn package' and commit completions/");
        assertTrue(CompletionScripts.bash().contains("--device"));
    }
}
