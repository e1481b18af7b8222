package exo.repl;

import exo.InvalidInputException;
import exo.engine.GenerationStats;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.reader.LineReader;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;

/**
 * The chat loop: read a message, stream the answer, repeat until {@code /exit}, Ctrl-D or the end
 * of piped input. Answers and what a command was asked for ({@code /help}, {@code /stats}) go to
 * the terminal; hints and errors go to {@code err}, so piped output holds only answers.
 *
 * <p>Ctrl-C while an answer streams ends that answer and returns to the prompt; Ctrl-C at the
 * prompt drops what was typed, or on an empty line says how to leave. It never leaves the REPL,
 * so a second Ctrl-C pressed a moment too late cannot lose the conversation.
 */
public final class ChatRepl {
    static final String EXIT_HINT = "Use /exit or Ctrl-D to leave.";

    /**
     * @param interactive a person at a terminal: show prompts and space answers apart
     * @param historyFile where the prompt history persists, or null to keep none
     * @param maxTokens   most tokens per answer; -1 for no limit but the context
     * @param verbose     print the stats line after every answer
     */
    public record Options(boolean interactive, Path historyFile, int maxTokens, boolean verbose) {
        public Options {
            if (maxTokens < 1 && maxTokens != -1) {
                throw new InvalidInputException("max_tokens", "the most tokens per answer must be at least 1, or -1 for no limit");
            }
        }
    }

    private final Terminal terminal;
    private final Conversation conversation;
    private final Options options;
    private final PrintWriter out;
    private final PrintWriter err;
    private final ChatHistory history = new ChatHistory();
    private final InputReader input;
    private final ClusterView cluster;
    private final AnswerLine answerLine;
    private int refused;

    public ChatRepl(Terminal terminal, Conversation conversation, Options options, PrintWriter err, ClusterView cluster) {
        this(terminal, conversation, options, err, cluster, new AnswerLine());
    }

    /**
     * @param answerLine shared with the status lines the cluster writes to this terminal during
     *                   an answer (see {@link AnswerLine#guarding})
     */
    public ChatRepl(Terminal terminal, Conversation conversation, Options options, PrintWriter err, ClusterView cluster,
                    AnswerLine answerLine) {
        this.answerLine = Objects.requireNonNull(answerLine, "answerLine");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.terminal = Objects.requireNonNull(terminal, "terminal");
        this.conversation = Objects.requireNonNull(conversation, "conversation");
        this.options = Objects.requireNonNull(options, "options");
        this.out = terminal.writer();
        this.err = Objects.requireNonNull(err, "err");
        String prompt = options.interactive() ? ">>> " : "";
        String continuation = options.interactive() ? "... " : "";
        LineReader reader = InputReader.lineReader(terminal, history, options.historyFile(), continuation);
        input = new InputReader(reader, prompt, continuation);
    }

    /** Runs until the user leaves; returns normally for every way of leaving. */
    public void run() {
        while (true) {
            switch (input.read()) {
                case Input.End end -> {
                    if (options.interactive()) {
                        out.println();
                        out.flush();
                    }
                    return;
                }
                case Input.Interrupted interrupted -> {
                    if (!interrupted.discarded()) {
                        hint(EXIT_HINT);
                    }
                }
                case Input.Text text when text.text().isBlank() -> {
                }
                case Input.Text text -> {
                    history.record(text.text());
                    if (!SlashCommand.isCommand(text.text())) {
                        turn(text.text());
                    } else if (!command(text.text())) {
                        return;
                    }
                }
            }
        }
    }

    /** Runs a slash command; false when it ends the REPL. */
    private boolean command(String text) {
        SlashCommand command = SlashCommand.parse(text).orElse(null);
        if (command == null) {
            hint("Unknown command '" + text.strip().split("\\s+", 2)[0] + "'. Type /help for the commands.");
            return true;
        }
        switch (command) {
            case EXIT -> {
                return false;
            }
            case RESET -> {
                conversation.reset();
                hint("Started a new conversation.");
            }
            case STATS -> {
                out.println(conversation.lastStats().map(s -> "last answer: " + s.summary()).orElse("no answer yet"));
                out.println(String.format(Locale.ROOT, "conversation: %d of %d tokens of context",
                        conversation.tokens(), conversation.contextLength()));
            }
            case THINK -> think(SlashCommand.argument(text).toLowerCase(Locale.ROOT));
            case PLAN -> out.println(cluster.plan().get());
            case PEERS -> out.println(cluster.peers().get());
            case HELP -> out.print(SlashCommand.help());
        }
        out.flush();
        return true;
    }

    /** /think on|off: the template's enable_thinking, where it reads one. */
    private void think(String argument) {
        if (!conversation.readsThinking()) {
            hint("This model's chat template does not read enable_thinking: /think changes nothing for it.");
            return;
        }
        switch (argument) {
            case "on", "off" -> {
                conversation.thinking(argument.equals("on"));
                hint("Thinking " + argument + ".");
            }
            case "" -> hint("Thinking is " + (conversation.thinking() == null ? "as the template sets it"
                    : conversation.thinking() ? "on" : "off") + "; /think on or /think off changes it.");
            default -> hint("Use /think on or /think off.");
        }
    }

    /** Answers one message; Ctrl-C (SIGINT, or the terminal's INT) ends the answer early. */
    private void turn(String text) {
        AtomicBoolean cancelled = new AtomicBoolean();
        AnswerPrinter printer = new AnswerPrinter(out, options.interactive(), answerLine);
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> cancelled.set(true));
        // Keys typed while the answer streams must not echo into it; they wait for the next prompt.
        Attributes typing = options.interactive() ? quiet() : null;
        try {
            cluster.beforeTurn().run();
            int max = options.maxTokens() == -1 ? Integer.MAX_VALUE : options.maxTokens();
            GenerationStats stats = conversation.answer(text, max, new AnswerListener() {
                private boolean said;

                @Override
                public void content(String piece) {
                    sayDropped();
                    printer.content(piece);
                }

                @Override
                public void reasoning(String piece) {
                    sayDropped();
                    printer.reasoning(piece);
                }

                private void sayDropped() {
                    if (!said && conversation.droppedMessages() > 0) {
                        said = true;
                        hint("exo: the conversation outgrew the context: its " + conversation.droppedMessages()
                                + " oldest messages were dropped" + (conversation.messages().getFirst().role()
                                .equals("system") ? " (the system message stays)" : ""));
                    }
                }
            }, cancelled::get);
            printer.finish();
            out.println();
            answerLine.ended();
            if (cancelled.get()) {
                out.flush();
                hint("exo: answer stopped (Ctrl-C); the conversation keeps it as far as it went");
            }
            if (options.interactive()) {
                out.println();
            }
            out.flush();
            if (options.verbose()) {
                hint(stats.summary());
            }
        } catch (InvalidInputException e) {
            // The conversation outgrew the context, or the template refused it: the message is
            // dropped and the person can go on (after /reset for a full context).
            printer.finish();
            if (printer.started()) {
                out.println();
                out.flush();
            }
            answerLine.ended();
            refused++;
            hint("exo: " + e.getMessage() + " (/reset starts a new conversation)");
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            if (typing != null) {
                terminal.setAttributes(typing);
            }
        }
    }

    /**
     * Messages refused (too long for the context, or the template refused them): a person at
     * the terminal saw why and went on, but piped input that was refused is a failed run.
     */
    public int refusedMessages() {
        return refused;
    }

    /** Turns the terminal's echo off (Ctrl-C still signals); returns the attributes to restore. */
    private Attributes quiet() {
        Attributes before = terminal.getAttributes();
        Attributes quiet = new Attributes(before);
        quiet.setLocalFlag(Attributes.LocalFlag.ECHO, false);
        terminal.setAttributes(quiet);
        return before;
    }

    private void hint(String line) {
        err.println(line);
        err.flush();
    }
}
