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
        assertEquals(CompletionScripts.fish(), Files.readString(Path.of("completions/exo.fish")),
                "completions/exo.fish is stale: run 'mvn package' and commit completions/");
        var pages = CompletionScripts.manPages();
        try (var files = Files.list(Path.of("completions/man"))) {
            assertEquals(pages.keySet(), files.map(f -> f.getFileName().toString())
                    .collect(java.util.stream.Collectors.toSet()), "one man page per command, no stale ones");
        }
        for (var page : pages.entrySet()) {
            assertEquals(page.getValue(), Files.readString(Path.of("completions/man", page.getKey())),
                    "completions/man/" + page.getKey() + " is stale: run 'mvn package' and commit completions/");
        }
    }

    @Test
    void manPagesAndFishNameEveryOptionAndModel() {
        String run = CompletionScripts.manPages().get("exo-run.1");
        assertTrue(run.startsWith(".TH EXO-RUN 1"), run);
        assertTrue(run.contains("\\fB\\-p\\fR, \\fB\\-\\-prompt\\fR=\\fITEXT\\fR"), run);
        assertTrue(CompletionScripts.manPages().get("exo.1").contains(".SH COMMANDS"));
        String fish = CompletionScripts.fish();
        assertTrue(fish.contains("complete -c exo -n '__fish_seen_subcommand_from run' -s p -l prompt -r"), fish);
        assertTrue(fish.contains("llama-3.2-1b"), "model ids are offered");
    }

    /** fish itself checks the script's syntax where it is installed. */
    @Test
    void fishReadsTheScript() throws Exception {
        boolean installed = java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "fish")));
        org.junit.jupiter.api.Assumptions.assumeTrue(installed, "fish is not installed here: its check is skipped");
        Process p = new ProcessBuilder("fish", "-n", "completions/exo.fish").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }
}
