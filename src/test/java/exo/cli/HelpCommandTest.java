package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** `exo help [COMMAND]`, as git and ollama users type it. */
class HelpCommandTest {
    @Test
    void helpShowsTheCommandsAndEachCommandsUsage() {
        CliRun all = CliRun.of("help");
        assertEquals(0, all.exitCode(), all.err());
        assertTrue(all.out().contains("Usage: exo") && all.out().contains("serve"), all.out());
        CliRun run = CliRun.of("help", "run");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("Usage: exo run"), run.out());
        CliRun none = CliRun.of("help", "fly");
        assertTrue(none.exitCode() != 0, "an unknown command is not a success");
        assertTrue(none.err().contains("fly"), none.err());
    }
}
