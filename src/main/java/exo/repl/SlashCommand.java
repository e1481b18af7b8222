package exo.repl;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The REPL's own commands, typed at the prompt with a leading slash; names follow ollama's. */
enum SlashCommand {
    RESET("forget the conversation and start a new one", "/reset", "/clear"),
    STATS("show the last answer's speed and the tokens the conversation holds", "/stats"),
    PLAN("show the ring in use: which machine runs which layers", "/plan"),
    PEERS("show the nodes this machine sees", "/peers"),
    THINK("turn the model's thinking on or off (for templates that read enable_thinking)", "/think"),
    HELP("show this help", "/help", "/?"),
    EXIT("leave (Ctrl-D does too)", "/exit", "/bye");

    private final String description;
    private final List<String> names;

    SlashCommand(String description, String... names) {
        this.description = description;
        this.names = List.of(names);
    }

    static boolean isCommand(String input) {
        return input.strip().startsWith("/");
    }

    /** The command {@code input} names, empty for an unknown one (or one given an argument it takes none of). */
    static Optional<SlashCommand> parse(String input) {
        String[] words = input.strip().split("\\s+", 2);
        String name = words[0].toLowerCase(Locale.ROOT);
        for (SlashCommand c : values()) {
            if (c.names.contains(name)) {
                return words.length == 1 || c == THINK ? Optional.of(c) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** What follows the command's name ("on" in "/think on"); "" for nothing. */
    static String argument(String input) {
        String[] words = input.strip().split("\\s+", 2);
        return words.length == 1 ? "" : words[1].strip();
    }

    static String help() {
        StringBuilder b = new StringBuilder();
        for (SlashCommand c : values()) {
            String names = String.join(", ", c.names) + (c == THINK ? " on|off" : "");
            b.append(String.format(Locale.ROOT, "  %-16s %s%n", names, c.description));
        }
        b.append(String.format(Locale.ROOT, "  %-16s %s%n", "\"\"\" ... \"\"\"", "a message over several lines;"
                + " a line ending in \\ continues too"));
        b.append(String.format(Locale.ROOT, "  %-16s %s%n", "Ctrl-C", "stop the answer being written"));
        return b.toString();
    }
}
