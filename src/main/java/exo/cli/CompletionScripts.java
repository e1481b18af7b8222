package exo.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/**
 * Generates the shell completion scripts in completions/ from the picocli command model; the
 * build runs this, so the scripts are never edited by hand. picocli's script serves bash and,
 * through zsh's bashcompinit, zsh.
 */
public final class CompletionScripts {
    private CompletionScripts() {
    }

    public static String bash() {
        return AutoComplete.bash("exo", CommandFactory.create());
    }

    public static String zsh() {
        return "#compdef exo\n"
                + "# zsh completion for exo: picocli's script through zsh's bash completion layer.\n"
                + "autoload -U +X compinit && compinit\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + bash();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "completions");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("exo.bash"), bash());
        Files.writeString(dir.resolve("exo.zsh"), zsh());
    }
}
