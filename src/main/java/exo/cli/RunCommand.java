package exo.cli;

import exo.engine.GenerationStats;
import exo.engine.Generator;
import exo.engine.SessionIds;
import exo.engine.sampling.Sampler;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.chat.ChatMessage;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `exo run`: one completion, on this machine or through the ring, streamed to stdout. */
@Command(name = "run", description = {"Complete a prompt with MODEL, streaming the text to stdout: on this machine, or "
                + "through a ring of the exo nodes it finds (or is given with --peers), as exo chat does.",
                "The last line on stderr gives prompt tokens, prefill tok/s, generated tokens and decode tok/s."},
        footer = {"", "The prompt comes from --prompt, else the argument after MODEL, else standard input.", "",
                "Examples:", "  exo run --model-file stories260K.gguf 'Once upon a time' --temperature 0",
                "  exo run llama-3.2-1b --chat 'Why is the sky blue?' -n 200",
                "  echo 'Once upon a time' | exo run --model-file stories260K.gguf",
                "  exo run llama-3.2-1b 'Hello' --peers 192.168.1.20:52416 --require-peers"})
public final class RunCommand extends Subcommand {
    @Mixin
    ModelRunOptions options;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", completionCandidates = Completions.ModelIds.class,
            description = "A model id from 'exo models' (or use --model-file).")
    String model;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PROMPT", description = "The prompt (or use --prompt).")
    String promptArgument;

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "The prompt; - reads standard input.")
    String prompt;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "256",
            description = "Most tokens to generate (default ${DEFAULT-VALUE}; -1: until the context is full).")
    int maxTokens;

    @Option(names = "--chat", description = "Wrap the prompt in the model's chat template as a user message.")
    boolean chat;

    @Option(names = {"-c", "--context"}, paramLabel = "N", description = "Context length (default: the model's).")
    int context;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 1 && maxTokens != -1) {
            throw new UserException(ExitCode.USAGE, "--max-tokens must be at least 1, or -1 for no limit");
        }
        String promptText = promptText();
        Sampler sampler = new Sampler(options.sampling.params());
        PrintWriter out = out();
        PrintWriter err = err();
        ModelStartup.Request request = new ModelStartup.Request(options, model, context);
        try (ModelStartup started = ModelStartup.open(request, err)) {
            Tokenizer tokenizer = started.tokenizer();
            int[] ids = chat
                    ? options.template.forModel(started.metadata(), tokenizer).encode(tokenizer,
                    List.of(ChatMessage.user(promptText)), true)
                    : tokenizer.encode(promptText, true, false);
            // A session id of its own: other tails may run through the same nodes.
            Generator generator = new Generator(started.engine(), tokenizer, SessionIds.next("run"));
            int most = maxTokens == -1 ? Integer.MAX_VALUE : maxTokens;
            GenerationStats stats = generator.generate(ids, most, sampler, (id, text) -> {
                out.print(text);
                out.flush();
            }, () -> false);
            out.println();
            out.flush();
            started.announceEngine(options.engine.kind, err);
            err.println(stats.summary());
            err.flush();
        }
        return ExitCode.OK;
    }

    /**
     * The prompt: --prompt, else the argument after MODEL (or the only one, with --model-file),
     * else standard input when it is not a terminal, as Ollama's and llama.cpp's runs take it.
     */
    private String promptText() throws java.io.IOException {
        if (options.source.hasFile() && model != null && promptArgument == null) {
            promptArgument = model; // exo run --model-file F 'prompt'
            model = null;
        }
        if (prompt != null && promptArgument != null) {
            throw new UserException(ExitCode.USAGE, "give the prompt once: --prompt or an argument, not both");
        }
        String given = prompt != null ? prompt : promptArgument;
        if (given != null && !given.equals("-")) {
            return given;
        }
        if (given == null && System.console() != null && System.console().isTerminal()) {
            throw new UserException(ExitCode.USAGE, "give a prompt: --prompt TEXT, an argument after the model, or on "
                    + "standard input");
        }
        String read = new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (read.isEmpty()) {
            throw new UserException(ExitCode.USAGE, "the prompt on standard input is empty");
        }
        return read;
    }
}
