package exo.cli;

import exo.engine.Generator;
import exo.engine.InferenceEngine;
import exo.engine.java.ModelConfig;
import exo.gguf.GgufFile;
import exo.download.ProgressListener;
import exo.models.ModelSpec;
import exo.models.QuantFile;
import exo.node.SliceSource;
import exo.topology.Shard;
import exo.node.ExoHome;
import exo.node.Node;
import exo.node.NodeConfig;
import exo.node.ring.RingBuilder;
import exo.node.ring.RingEngine;
import exo.peer.ModelRef;
import exo.peer.RingEntry;
import exo.peer.WireDtype;
import exo.repl.ClusterView;
import exo.topology.Partition;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.sampling.Sampler;
import exo.gguf.GgufMetadata;
import exo.repl.ChatRepl;
import exo.repl.Conversation;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    @Mixin
    EngineOption engine;
    @Mixin
    TemplateOption template;

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

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--wire-dtype", paramLabel = "f32|bf16|f16", defaultValue = "f32", converter = WireDtypeConverter.class,
            description = "How hidden states travel between machines: f32 (exact, default) or bf16/f16 (half the bytes).")
    WireDtype wireDtype;

    @Option(names = "--wait-ms", paramLabel = "MS", defaultValue = "5000",
            description = "How long to wait for peers to answer before planning (default: ${DEFAULT-VALUE}).")
    long waitMillis;

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
        ExoHome home = ExoHome.fromEnvironment(System.getenv());
        ModelSpec named = source.hasFile() ? null : registry.registry().get(requireModel());
        Optional<Path> local = source.hasFile() ? Optional.of(source.resolve(null, registry)) : source.findLocal(model, registry);
        if (!cluster.looksForPeers()) {
            // Without --model-file the model is named, so its layer count is known to fetch it.
            Path path = local.isPresent() ? local.get() : fetchSlice(Shard.whole(modelId(), named.layers()), err);
            GgufMetadata metadata = GgufFile.readHeader(path).metadata();
            try (WorkerPool pool = new WorkerPool(threads.threads());
                 InferenceEngine engine = this.engine.openWhole(path, threads.threads(), pool, context).engine()) {
                chat(engine, Tokenizers.fromMetadata(metadata), metadata, sampler, options,
                        ClusterView.alone(modelId(), engine.shard().layers()), err);
            }
            return ExitCode.OK;
        }
        GgufMetadata localMetadata = local.isPresent() ? GgufFile.readHeader(local.get()).metadata() : null;
        int layers = named != null ? named.layers() : ModelConfig.from(localMetadata).layers();
        LogSetup.quiet();
        NodeConfig config = cluster.toConfig(0, null, threads.threads(), engine.kind, engine.gpu, home);
        try (Node node = Node.start(config, home)) {
            node.awaitPeers(waitMillis);
            RingBuilder builder = new RingBuilder(node, line -> {
                err.println("exo: " + line);
                err.flush();
            });
            RingEngine ring = null;
            Set<String> failed = new HashSet<>();
            Path path = null;
            GgufMetadata metadata = null;
            while (ring == null) {
                Partition plan = builder.plan(modelId(), layers, failed);
                // The tail fetches only its own slice when the model is not on this machine.
                path = local.isPresent() ? local.get() : fetchSlice(plan.tail().shard(), err);
                metadata = localMetadata != null ? localMetadata : GgufFile.readHeader(path).metadata();
                int ctx = context > 0 ? context : ModelConfig.from(metadata).contextLength();
                try {
                    ring = builder.build(plan, source.ringModel(named, modelId(), path), path, ctx, wireDtype, Duration.ofMinutes(30),
                            Duration.ofMinutes(10));
                } catch (RingBuilder.LoadFailure e) {
                    // A node that cannot load its slice (it lacks the file, or the memory) is left out.
                    failed.add(e.nodeId());
                    err.println("exo: " + e.getMessage() + "; planning again without it");
                    err.flush();
                }
            }
            Tokenizer tokenizer = Tokenizers.fromMetadata(metadata);
            RingEngine finalRing = ring;
            ClusterView view = new ClusterView(() -> describe(builder, finalRing), () -> peers(node));
            chat(ring, tokenizer, metadata, sampler, options, view, err);
        }
        return ExitCode.OK;
    }

    private void chat(InferenceEngine engine, Tokenizer tokenizer, GgufMetadata metadata, Sampler sampler,
                      ChatRepl.Options options, ClusterView view, PrintWriter err) throws IOException {
        Conversation conversation = new Conversation(new Generator(engine, tokenizer, "chat"), tokenizer,
                template.forModel(metadata, tokenizer), sampler, engine.contextLength(), system);
        // dumb(true): piped input gets a plain line reader instead of a warning.
        try (Terminal terminal = TerminalBuilder.builder().name("exo").system(true).dumb(true)
                .encoding(StandardCharsets.UTF_8).build()) {
            if (options.interactive()) {
                err.println("Chatting with " + modelId() + " ("
                        + engine.contextLength() + " tokens of context). /help for commands, Ctrl-D to leave.");
                err.flush();
            }
            new ChatRepl(terminal, conversation, options, err, view).run();
        }
    }

    private String requireModel() {
        if (model == null) {
            throw new IllegalArgumentException("name a model (see exo models) or give --model-file PATH.gguf");
        }
        return model;
    }

    /** The id the ring's nodes know the model by: the models.yaml id, or the file's name without .gguf. */
    private String modelId() {
        return model != null ? model : source.modelFile.getFileName().toString().replaceFirst("\\.gguf$", "");
    }

    /** Fetches {@code shard}'s tensors of the named model into a shard file, showing progress. */
    private Path fetchSlice(Shard shard, PrintWriter err) throws IOException {
        QuantFile q = registry.registry().get(requireModel()).quant(source.quant);
        err.println("exo: fetching layers " + shard.start() + "-" + (shard.end() - 1) + " of " + model + " ("
                + q.repo() + "/" + q.file() + ")");
        err.flush();
        ModelRef ref = new ModelRef(model, q.file(), Optional.of(q.repo()), q.quant(), q.size());
        return SliceSource.fromEnvironment(null, System.getenv()).slice(ref, shard, ProgressListener.console(err));
    }

    private static String describe(RingBuilder builder, RingEngine ring) {
        StringBuilder b = new StringBuilder();
        for (RingEntry e : ring.ring()) {
            b.append(String.format(java.util.Locale.ROOT, "  layers %d-%d  %s%n", e.start(), e.end() - 1,
                    builder.describe(e.nodeId())));
        }
        b.append("  ring: ").append(String.join(" -> ", ring.ring().stream().map(RingEntry::nodeId).toList()))
                .append(" -> ").append(ring.ring().getFirst().nodeId());
        return b.toString();
    }

    private static String peers(Node node) {
        var peers = node.network().peers();
        if (peers.isEmpty()) {
            return "no peers connected";
        }
        StringBuilder b = new StringBuilder();
        for (var p : peers) {
            var i = p.info();
            b.append(String.format(java.util.Locale.ROOT, "  %s  %s  %s  %s memory, %d cores%n", i.id(), i.name(),
                    i.address(), ByteSize.format(i.device().memoryBytes()), i.device().cores()));
        }
        return b.toString().stripTrailing();
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
