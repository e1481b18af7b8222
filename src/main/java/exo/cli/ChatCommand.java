package exo.cli;

import exo.engine.Generator;
import exo.engine.java.JavaEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.sampling.Sampler;
import exo.gguf.GgufMetadata;
import exo.repl.ChatRepl;
import exo.repl.Conversation;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import exo.tokenizer.chat.ChatTemplates;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `exo chat`: a conversation with a model on this machine, at a prompt or over piped lines. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Chat with MODEL on this machine: type a message, the answer streams back.",
                "Type /help at the prompt for the commands; Ctrl-C stops an answer, Ctrl-D leaves.",
                "With piped input each line (or \"\"\"-block) is one message and only the answers are printed.",
                "The prompt history is kept in $EXO_HOME/chat_history (default ~/.exo)."},
        footer = {"", "Examples:", "  exo chat --model-file stories260K.gguf --temperature 0",
                "  exo chat llama-3.2-1b --system 'Answer in one sentence.'",
                "  printf 'Hello\\nWhat did I just say?\\n' | exo chat llama-3.2-1b"})
public final class ChatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ModelSource source;
    @Mixin
    RegistryOption registry;
    @Mixin
    SamplingOptions sampling;
    @Mixin
    ThreadsOption threads;

    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "A model id from 'exo models' (or use --model-file).")
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
        if (context < 0) {
            throw new IllegalArgumentException("--context must be positive");
        }
        boolean interactive = System.console() != null && System.console().isTerminal();
        PrintWriter err = spec.commandLine().getErr();
        ChatRepl.Options options = new ChatRepl.Options(interactive, interactive ? historyFile(err) : null,
                maxTokens, verbose);
        Sampler sampler = new Sampler(sampling.params());
        Path path = source.resolve(model, registry);
        try (WorkerPool pool = new WorkerPool(threads.threads());
             JavaEngine engine = JavaEngine.open(path, 0, -1, pool, context)) {
            GgufMetadata metadata = engine.file().metadata();
            Tokenizer tokenizer = Tokenizers.fromMetadata(metadata);
            Conversation conversation = new Conversation(new Generator(engine, tokenizer, "chat"), tokenizer,
                    ChatTemplates.forModel(metadata, tokenizer), sampler, engine.contextLength(), system);
            // dumb(true): piped input gets a plain line reader instead of a warning.
            try (Terminal terminal = TerminalBuilder.builder().name("exo").system(true).dumb(true)
                    .encoding(StandardCharsets.UTF_8).build()) {
                if (interactive) {
                    err.println("Chatting with " + (model != null ? model : path.getFileName()) + " ("
                            + engine.contextLength() + " tokens of context). /help for commands, Ctrl-D to leave.");
                    err.flush();
                }
                new ChatRepl(terminal, conversation, options, err).run();
            }
        }
        return ExitCode.OK;
    }

    /** $EXO_HOME/chat_history (default ~/.exo); null, with a warning, when the folder cannot be made. */
    private static Path historyFile(PrintWriter err) {
        Path home = exoHome(System.getenv(), System.getProperty("user.home"));
        try {
            Files.createDirectories(home);
            return home.resolve("chat_history");
        } catch (IOException e) {
            err.println("exo: cannot create " + home + " (" + e.getMessage() + "); the prompt history is not kept");
            return null;
        }
    }

    static Path exoHome(Map<String, String> env, String userHome) {
        String configured = env.get("EXO_HOME");
        return configured != null && !configured.isBlank() ? Path.of(configured) : Path.of(userHome, ".exo");
    }
}
