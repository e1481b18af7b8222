package exo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/**
 * Generates the shell completion scripts and man pages in completions/ from the picocli command
 * model; the build runs this, so they are never edited by hand. picocli's script serves bash and,
 * through zsh's bashcompinit, zsh; fish's and the man pages (troff, one per command) are written
 * here from the same model.
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

    /** fish: each subcommand, then each one's options and the values they take. */
    public static String fish() {
        StringBuilder out = new StringBuilder("# fish completion for exo, generated from its command model.\n"
                + "# Copy to ~/.config/fish/completions/exo.fish\n"
                + "complete -c exo -f\n");
        CommandLine exo = CommandFactory.create();
        for (var e : exo.getSubcommands().entrySet()) {
            String name = e.getKey();
            if (name.equals("help")) {
                continue;
            }
            out.append("complete -c exo -n __fish_use_subcommand -a ").append(name).append(" -d ")
                    .append(fishQuote(firstLine(e.getValue().getCommandSpec()))).append('\n');
        }
        for (var e : exo.getSubcommands().entrySet()) {
            String when = "'__fish_seen_subcommand_from " + e.getKey() + "'";
            CommandSpec spec = e.getValue().getCommandSpec();
            for (OptionSpec o : spec.options()) {
                if (o.hidden()) {
                    continue;
                }
                StringBuilder line = new StringBuilder("complete -c exo -n " + when);
                for (String n : o.names()) {
                    line.append(n.startsWith("--") ? " -l " + n.substring(2) : " -s " + n.substring(1));
                }
                if (o.arity().max() > 0) {
                    line.append(o.type() == Path.class ? " -r -F" : " -r");
                    candidates(o.completionCandidates()).ifPresent(c -> line.append(" -a ").append(c));
                }
                line.append(" -d ").append(fishQuote(String.join(" ", o.description())));
                out.append(line).append('\n');
            }
            for (PositionalParamSpec p : spec.positionalParameters()) {
                candidates(p.completionCandidates()).ifPresent(c ->
                        out.append("complete -c exo -n ").append(when).append(" -a ").append(c).append('\n'));
            }
        }
        return out.toString();
    }

    private static java.util.Optional<String> candidates(Iterable<String> values) {
        if (values == null || !values.iterator().hasNext()) {
            return java.util.Optional.empty();
        }
        java.util.List<String> all = new java.util.ArrayList<>();
        values.forEach(all::add);
        return java.util.Optional.of(fishQuote(String.join(" ", all)));
    }

    private static String fishQuote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String firstLine(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        return d.length == 0 ? "" : d[0].split("(?<=\\.) ", 2)[0];
    }

    /** The man pages: exo(1) and exo-COMMAND(1) for each command, by file name. */
    public static java.util.Map<String, String> manPages() {
        java.util.Map<String, String> pages = new java.util.TreeMap<>();
        CommandLine exo = CommandFactory.create();
        pages.put("exo.1", manPage("exo", exo.getCommandSpec()));
        for (var e : exo.getSubcommands().entrySet()) {
            if (!e.getKey().equals("help")) {
                pages.put("exo-" + e.getKey() + ".1", manPage("exo-" + e.getKey(), e.getValue().getCommandSpec()));
            }
        }
        return pages;
    }

    private static String manPage(String name, CommandSpec spec) {
        CommandLine.Help help = new CommandLine.Help(spec,
                new CommandLine.Help.ColorScheme.Builder(CommandLine.Help.Ansi.OFF).build());
        StringBuilder out = new StringBuilder();
        out.append(".TH ").append(name.toUpperCase(java.util.Locale.ROOT)).append(" 1 \"\" \"exo\" \"exo manual\"\n");
        out.append(".SH NAME\n").append(troff(name)).append(" \\- ").append(troff(firstLine(spec))).append('\n');
        out.append(".SH SYNOPSIS\n.nf\n").append(troffLines(help.synopsis(0).stripTrailing())).append("\n.fi\n");
        out.append(".SH DESCRIPTION\n");
        for (String d : spec.usageMessage().description()) {
            out.append(troffLines(d)).append("\n.PP\n");
        }
        if (!spec.options().isEmpty()) {
            out.append(".SH OPTIONS\n");
            for (OptionSpec o : spec.options()) {
                if (o.hidden()) {
                    continue;
                }
                out.append(".TP\n");
                java.util.List<String> names = new java.util.ArrayList<>();
                for (String n : o.names()) {
                    names.add("\\fB" + troff(n) + "\\fR");
                }
                out.append(String.join(", ", names));
                if (o.arity().max() > 0) {
                    out.append("=\\fI").append(troff(o.paramLabel())).append("\\fR");
                }
                out.append('\n').append(troffLines(String.join(" ", o.description()))).append('\n');
            }
        }
        if (spec.subcommands().size() > 1) {
            out.append(".SH COMMANDS\n");
            for (var e : spec.subcommands().entrySet()) {
                if (!e.getKey().equals("help")) {
                    out.append(".TP\n\\fB").append(troff(e.getKey())).append("\\fR\n")
                            .append(troffLines(firstLine(e.getValue().getCommandSpec()))).append('\n');
                }
            }
        }
        String[] footer = spec.usageMessage().footer();
        if (footer.length > 0) {
            out.append(".SH NOTES\n.nf\n");
            for (String f : footer) {
                out.append(troffLines(f)).append('\n');
            }
            out.append(".fi\n");
        }
        out.append(".SH SEE ALSO\n").append(name.equals("exo") ? "README.md of exo" : "\\fBexo\\fR(1)").append('\n');
        return out.toString();
    }

    /** Text for troff: backslashes and hyphens escaped. */
    private static String troff(String s) {
        return s.replace("\\", "\\e").replace("-", "\\-");
    }

    /** Lines for troff: escaped, and a line that would start with a control character made literal. */
    private static String troffLines(String s) {
        StringBuilder out = new StringBuilder();
        for (String line : s.split("\n", -1)) {
            String t = troff(line);
            if (t.startsWith(".") || t.startsWith("'")) {
                t = "\\&" + t;
            }
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(t.isEmpty() ? "" : t);
        }
        return out.toString();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "completions");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("exo.bash"), bash());
        Files.writeString(dir.resolve("exo.zsh"), zsh());
        Files.writeString(dir.resolve("exo.fish"), fish());
        Path man = Files.createDirectories(dir.resolve("man"));
        for (var page : manPages().entrySet()) {
            Files.writeString(man.resolve(page.getKey()), page.getValue());
        }
    }
}
