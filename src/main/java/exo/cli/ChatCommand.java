package exo.cli;

import exo.engine.Generator;
import exo.engine.SessionIds;
import exo.engine.InferenceEngine;
import exo.node.ExoHome;
import exo.repl.ClusterView;
import exo.engine.sampling.Sampler;
import exo.gguf.GgufMetadata;
import exo.repl.AnswerLine;
import exo.repl.ChatRepl;
import exo.repl.Conversation;
import exo.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `exo chat`: a conversation with a model on this machine, at a prompt or over piped lines. */
@Command(name = "chat", description = {"Chat with MODEL on this machine: type a message, the answer streams back.",
                "Type /help at the prompt for the commands; Ctrl-C stops an answer, Ctrl-D leaves.",
                "With piped input each line (or \"\"\"-block) is one message and only the answers are printed.",
                "The prompt history is kept in $EXO_HOME/chat_history (default ~/.exo)."},
        footer = {"", "Examples:", "  exo chat --model-file stories260K.gguf --temperature 0",
                "  exo chat llama-3.2-1b --system 'Answer in one sentence.'",
                "  printf 'Hello\\nWhat did I just say?\\n' | exo chat llama-3.2-1b"})
public final class ChatCommand extends Subcommand {
    @Mixin
    ModelRunOptions run;

    @Parameters(arity = "0..1", paramLabel = "MODEL", completionCandidates = Completions.ModelIds.class,
            description = "A model id from 'exo models' (or use --model-file).")
    String model;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message that opens the conversation.")
    String system;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "-1",
            description = "Most tokens per answer (default: -1, until the model ends it or the context is full).")
    int maxTokens;

    @Option(names = {"-c", "--context"}, paramLabel = "N", description = "Context length (default: the model's).")
    int context;

    @Option(names = "--verbose", description = "Print the stats line (as /stats shows it) on stderr after every answer.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        boolean interactive = System.console() != null && System.console().isTerminal();
        // On a terminal, a status line from the cluster (a node lost mid-answer) starts below the
        // answer's text so far rather than inside it.
        AnswerLine answerLine = new AnswerLine();
        PrintWriter err = interactive ? answerLine.guarding(err()) : err();
        ChatRepl.Options options = new ChatRepl.Options(interactive, interactive ? historyFile(err) : null,
                maxTokens, verbose);
        Sampler sampler = new Sampler(run.sampling.params());
        ModelStartup.Request request = new ModelStartup.Request(run, model, context);
        try (ModelStartup started = ModelStartup.open(request, err)) {
            started.sayEngine(err);
            int refused = chat(started.engine(), started.tokenizer(), started.metadata(), sampler, options,
                    started.view(), err, request.modelId(), answerLine);
            // Piped input with a refused message failed as `exo run` would have (exit 2, as for bad input).
            return refused > 0 && !interactive ? ExitCode.USAGE : ExitCode.OK;
        }
    }

    /** Runs the conversation; returns how many messages were refused. */
    private int chat(InferenceEngine engine, Tokenizer tokenizer, GgufMetadata metadata, Sampler sampler,
                      ChatRepl.Options options, ClusterView view, PrintWriter err, String modelId,
                      AnswerLine answerLine) throws IOException {
        // A session id of its own: two people chatting through the same nodes must not share one.
        Conversation conversation = new Conversation(new Generator(engine, tokenizer, SessionIds.next("chat")), tokenizer,
                run.template.forModel(metadata, tokenizer), sampler, engine.contextLength(), system);
        // dumb(true): piped input gets a plain line reader instead of a warning.
        try (Terminal terminal = TerminalBuilder.builder().name("exo").system(true).dumb(true)
                .encoding(StandardCharsets.UTF_8).build()) {
            if (options.interactive()) {
                err.println("Chatting with " + modelId + " ("
                        + engine.contextLength() + " tokens of context). /help for commands, Ctrl-D to leave.");
                err.flush();
            }
            ChatRepl repl = new ChatRepl(terminal, conversation, options, err, view, answerLine);
            repl.run();
            return repl.refusedMessages();
        }
    }

    /** $EXO_HOME/chat_history (default ~/.exo); null, with a warning, when the folder cannot be made. */
    private static Path historyFile(PrintWriter err) {
        Path home = ExoHome.fromEnvironment(System.getenv()).dir();
        try {
            Files.createDirectories(home);
            return home.resolve("chat_history");
        } catch (IOException e) {
            err.println("exo: cannot create " + home + " (" + e.getMessage() + "); the prompt history is not kept");
            return null;
        }
    }
}
