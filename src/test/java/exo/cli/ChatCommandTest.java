package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** exo chat's argument handling; the chat itself is tested in exo.repl and by ChatIT. */
class ChatCommandTest {
    @Test
    void aModelIsNeeded() {
        CliRun run = CliRun.of("chat");
        assertEquals(ExitCode.USAGE, run.exitCode());
        assertEquals("exo: name a model (see exo models) or give --model-file PATH.gguf\n", run.err());
    }

    @Test
    void badNumbersAreUsageErrors() {
        String model = TestModels.stories260K().toString();
        CliRun zero = CliRun.of("chat", "--model-file", model, "-n", "0");
        assertEquals(ExitCode.USAGE, zero.exitCode());
        assertEquals("exo: the most tokens per answer must be at least 1, or -1 for no limit (--max-tokens)\n", zero.err());
        assertEquals(ExitCode.USAGE, CliRun.of("chat", "--model-file", model, "--context", "-5").exitCode());
        assertEquals(ExitCode.USAGE, CliRun.of("chat", "--model-file", "no/such.gguf").exitCode());
    }

    @Test
    void minusOneMeansNoLimit() {
        var parsed = CommandFactory.create().parseArgs("chat", "--model-file", "m.gguf", "-n", "-1", "--system", "Be brief.");
        ChatCommand chat = (ChatCommand) parsed.subcommand().commandSpec().userObject();
        assertEquals(-1, chat.maxTokens);
        assertEquals("Be brief.", chat.system);
    }

    @Test
    void historyLivesInExoHome() {
        assertEquals(Path.of("/data/exo"), exo.node.ExoHome.fromEnvironment(Map.of("EXO_HOME", "/data/exo")).dir());
        assertEquals(Path.of(System.getProperty("user.home"), ".exo"), exo.node.ExoHome.fromEnvironment(Map.of()).dir());
        assertEquals(Path.of(System.getProperty("user.home"), ".exo"),
                exo.node.ExoHome.fromEnvironment(Map.of("EXO_HOME", " ")).dir());
    }
}
