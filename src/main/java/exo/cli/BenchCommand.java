package exo.cli;

import exo.bench.BenchPlot;
import exo.bench.BenchReport;
import exo.bench.BenchRow;
import exo.bench.BenchRunner;
import exo.bench.BenchTest;
import exo.bench.MemoryBandwidth;
import exo.bench.ModelFacts;
import exo.synthetic.SyntheticFiles;
import exo.bench.RingFigures;
import exo.engine.InferenceEngine;
import exo.engine.model.ModelConfig;
import exo.gguf.GgufFile;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.select.EngineKind;
import exo.engine.select.Engines;
import exo.models.ModelSpec;
import exo.node.ExoHome;
import exo.node.LocalMachine;
import exo.node.ring.ClusterRuntime;
import exo.node.ring.RingEngine;
import exo.node.ring.RingException;
import exo.node.ring.RingModel;
import exo.node.ring.RingSettings;
import exo.node.ring.RingStats;
import exo.peer.RingEntry;
import exo.topology.ModelShape;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `exo bench`: prompt processing and generation speed, in llama-bench's form. */
@Command(name = "bench",
        description = {"Measure prompt processing (ppN) and generation (tgN) speed of MODEL on this machine, "
                + "per engine and thread count, as llama-bench does: a warm-up that is not counted, then each test "
                + "repeated from an empty context. The table goes to stdout, progress to stderr.",
                "With peers (found on the LAN or given with --peers) the tests run through the planned ring, this "
                + "machine its tail; --nodes 1,2,3 measures rings of the first K machines of the plan."},
        footer = {"", "Examples:",
                "  exo bench --model-file model.gguf",
                "  exo bench --model-file model.gguf --compare -p 128,512 -n 64 -t 1,2",
                "  exo bench --synthetic llama-3.2-1b --quant Q4_K_M --memory-bandwidth --md",
                "  exo bench --model-file model.gguf -n 64 -p 0 --sessions 1,2,4 --json --output runs.json",
                "  exo bench llama-3.2-1b --peers 192.168.1.20:52416 --nodes 1,2",
                "", "Columns: t/s is the mean ± standard deviation over the repetitions (with several sessions, all "
                + "of them together; per session is one stream's share), ttft ms the time to the first token (the "
                + "prompt's prefill for pp, the first step for tg), vs llama.cpp the ratio to llama.cpp in the same "
                + "test, of bandwidth the weights read per token x t/s over the measured read bandwidth. Through a "
                + "ring: hop ms is a round trip less the nodes' own time, over its hops (serialization, network, "
                + "event loops); wire/token the token ids and hidden states sent per token over all hops; busy each "
                + "node's share of the test's time spent computing, head first (the rest it waits for the others)."})
public final class BenchCommand extends Subcommand {
    @Mixin
    ModelSource source;

    @Parameters(arity = "0..1", paramLabel = "MODEL", completionCandidates = Completions.ModelIds.class,
            description = "A model id from 'exo models' that is on this machine.")
    String model;

    @Option(names = "--synthetic", paramLabel = "MODEL", completionCandidates = Completions.ModelIds.class,
            description = "Benchmark a random-weight file with MODEL's exact shapes and --quant's tensor types, "
                    + "written once under $EXO_HOME/synthetic (no download).")
    String synthetic;

    @Option(names = {"-p", "--n-prompt"}, paramLabel = "N", split = ",", defaultValue = "512",
            description = "Prompt lengths to process (default: ${DEFAULT-VALUE}; 0 for none).")
    List<Integer> prompts;

    @Option(names = {"-n", "--n-gen"}, paramLabel = "N", split = ",", defaultValue = "128",
            description = "Token counts to generate (default: ${DEFAULT-VALUE}; 0 for none).")
    List<Integer> generations;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "N", defaultValue = "5",
            description = "Repetitions of each test (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", split = ",",
            description = "Thread counts (default: all cores).")
    List<Integer> threads;

    @Option(names = "--engine", paramLabel = "ENGINE", split = ",", converter = EngineOption.Converter.class,
            description = "Engines to measure: auto, ggml, java, llama.cpp (default: auto).")
    List<EngineKind> engines;

    @Option(names = "--gpu", paramLabel = "auto|off", defaultValue = "auto", converter = EngineOption.GpuConverter.class,
            description = "Whether ggml computes on a GPU (default: ${DEFAULT-VALUE}: the first one llama.cpp's library "
                    + "has a backend for; off: the CPU).")
    exo.engine.GpuMode gpu;

    @Option(names = "--compare", description = "Every engine that can run the file (ggml, llama.cpp, java), with the "
            + "ratio to llama.cpp in its own column.")
    boolean compare;

    @Option(names = "--sessions", paramLabel = "K", split = ",", defaultValue = "1",
            description = "Concurrent generation streams for tg tests (default: ${DEFAULT-VALUE}).")
    List<Integer> sessions;

    @Option(names = "--nodes", paramLabel = "K", split = ",",
            description = "Ring sizes to measure: rings of this machine and the first K-1 other machines of the plan "
                    + "(default: every machine that answered; 1 is this machine alone).")
    List<Integer> nodeCounts;

    @Mixin
    RingOptions ringOptions;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--memory-bandwidth", description = "Measure this machine's read bandwidth and show the share of "
            + "it each row's weight stream reached.")
    boolean bandwidth;

    @ArgGroup(exclusive = true)
    Format format = new Format();

    static final class Format {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;
        @Option(names = "--csv", description = "Print CSV.")
        boolean csv;
        @Option(names = "--md", description = "Print a Markdown table.")
        boolean md;
    }

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report to FILE instead of stdout.")
    Path output;

    @Option(names = "--plot", paramLabel = "FILE.png|FILE.svg", description = "Draw tokens/s as a bar chart.")
    Path plot;

    @Override
    public Integer call() throws Exception {
        List<BenchTest> tests = tests();
        List<Integer> threadCounts = threadCounts();
        validate();
        PrintWriter err = err();
        Path file = modelFile(err);
        ModelFacts facts = ModelFacts.of(file);
        int context = tests.stream().mapToInt(BenchTest::positions).max().orElseThrow() + 1;
        for (BenchTest t : tests) {
            if (t.positions() > facts.context()) {
                throw UserException.usage("test " + t.name() + " needs " + t.positions()
                        + " positions; " + facts.name() + "'s context holds " + facts.context());
            }
        }
        OptionalDouble bw = OptionalDouble.empty();
        if (bandwidth) {
            int most = threadCounts.stream().mapToInt(Integer::intValue).max().orElseThrow();
            status(err, "measuring memory read bandwidth with " + most + " threads");
            bw = OptionalDouble.of(MemoryBandwidth.measure(most));
            status(err, String.format(Locale.ROOT, "memory read bandwidth: %.1f GB/s", bw.getAsDouble() / 1e9));
        }
        List<BenchRow> rows = new ArrayList<>();
        if (throughRing(threadCounts)) {
            rows.addAll(measureRings(threadCounts.getFirst(), file, facts, tests, context, err));
        } else {
            for (EngineKind kind : engineKinds()) {
                for (int t : threadCounts) {
                    rows.addAll(measure(kind, t, file, facts, tests, context, err));
                }
            }
        }
        if (rows.isEmpty()) {
            throw UserException.usage("no engine here can run " + file.getFileName());
        }
        rows = BenchReport.withRatios(rows);
        if (bw.isPresent()) {
            double b = bw.getAsDouble();
            rows = rows.stream().map(r -> r.test().startsWith("tg")
                    ? r.withBandwidthShare(facts.weightBytesPerToken() * r.tokensPerSecond() / b) : r).toList();
        }
        BenchReport report = new BenchReport(rows, bw);
        print(report);
        if (plot != null) {
            BenchPlot.write(report, facts.name(), plot);
            status(err, "plot written to " + plot);
        }
        return ExitCode.OK;
    }

    private List<BenchRow> measure(EngineKind kind, int threads, Path file, ModelFacts facts, List<BenchTest> tests,
                                   int context, PrintWriter err) throws IOException {
        List<BenchRow> rows = new ArrayList<>();
        try (WorkerPool pool = new WorkerPool(threads)) {
            Engines engines;
            InferenceEngine engine;
            try {
                engines = Engines.resolve(kind, gpu, threads, pool);
                engine = engines.open(file, 0, -1, context);
            } catch (RuntimeException e) {
                String why = "the " + kind + " engine cannot run " + file.getFileName() + ": " + ExitCode.message(e);
                if (compare) {
                    status(err, why + "; left out");
                    return rows;
                }
                throw UserException.usage(why);
            }
            String label = engines.label();
            String name = part(label, 0);
            String backend = part(label, 1);
            try (engine) {
                BenchRunner runner = new BenchRunner(engine, line -> status(err, name + ", " + threads
                        + (threads == 1 ? " thread: " : " threads: ") + line));
                runner.warmUp();
                for (BenchTest test : tests) {
                    List<Integer> streams = test.kind() == BenchTest.Kind.GENERATE ? sessions : List.of(1);
                    for (int k : streams) {
                        BenchRunner.Measured m = runner.measure(test, repetitions, k);
                        rows.add(new BenchRow(facts.name(), facts.sizeBytes(), facts.parameters(), name, backend,
                                threads, 1, k, test.name(), m.mean(), m.stddev(), m.perSession(), m.ttftMillis(),
                                OptionalDouble.empty(), OptionalDouble.empty(), Optional.empty()));
                    }
                }
            }
        }
        return rows;
    }

    /**
     * Whether to look for peers: always with --nodes; otherwise when the cluster options look for
     * them and one engine at one thread count is measured (--compare and lists compare this machine).
     */
    private boolean throughRing(List<Integer> threadCounts) {
        boolean single = !compare && engineKinds().size() == 1 && threadCounts.size() == 1;
        if (nodeCounts != null && !single) {
            throw UserException.usage("--nodes measures one engine at one thread count: give one --engine and "
                    + "one --threads, without --compare");
        }
        return nodeCounts != null || (single && cluster.looksForPeers());
    }

    /** Rings of the first k machines of the plan for each --nodes k (k = 1 is this machine alone). */
    private List<BenchRow> measureRings(int threads, Path file, ModelFacts facts, List<BenchTest> tests, int context,
                                        PrintWriter err) throws Exception {
        EngineKind kind = engineKinds().getFirst();
        ExoHome home = ExoHome.fromEnvironment(System.getenv());
        LogSetup.quiet();
        List<BenchRow> rows = new ArrayList<>();
        try (ClusterRuntime runtime = ringOptions.startCluster(cluster.toConfig(0, null, threads, kind, gpu, home), home,
                line -> status(err, line))) {
            int machines = runtime.machines();
            List<Integer> counts = nodeCounts != null ? List.copyOf(new LinkedHashSet<>(nodeCounts)) : List.of(machines);
            for (int k : counts) {
                if (k < 1 || k > machines) {
                    throw new UserException(ExitCode.USAGE, "--nodes " + k + " needs " + k + " machines; "
                            + (machines == 1 ? "no peer answered" : "this one and " + (machines - 1) + " peers answered"));
                }
            }
            for (int k : counts) {
                rows.addAll(k == 1 ? measure(kind, threads, file, facts, tests, context, err)
                        : measureRing(runtime, k, threads, file, facts, tests, context, err));
            }
        }
        return rows;
    }

    private List<BenchRow> measureRing(ClusterRuntime runtime, int k, int threads, Path file, ModelFacts facts,
                                       List<BenchTest> tests, int context, PrintWriter err) throws Exception {
        ModelSpec named = model != null ? source.registry.registry().get(model) : null;
        String id = model != null ? model : facts.name();
        ModelShape shape = ModelConfig.from(GgufFile.readHeader(file).metadata()).shape();
        RingModel ringModel = new RingModel(id, shape, shard -> file, path -> {
            try {
                return source.ringModel(named, id, path);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        List<BenchRow> rows = new ArrayList<>();
        RingEngine ring;
        try {
            ring = runtime.ringOf(ringModel, RingSettings.of(context, ringOptions.wireDtype), k);
        } catch (RingException e) {
            throw new UserException(ExitCode.USAGE, "--nodes " + k + ": " + e.getMessage());
        }
        try (ring) {
            List<String> labels = ring.ring().stream().map(e -> runtime.engineOf(e.nodeId())).toList();
            String engines = String.join("+", new LinkedHashSet<>(labels.stream().map(l -> part(l, 0)).toList()));
            String backends = String.join("+", new LinkedHashSet<>(labels.stream().map(l -> part(l, 1)).toList()));
            List<String> names = ring.ring().stream().map(e -> runtime.nameOf(e.nodeId())).toList();
            BenchRunner runner = new BenchRunner(ring, line -> status(err, k + " nodes: " + line));
            runner.warmUp();
            for (BenchTest test : tests) {
                List<Integer> streams = test.kind() == BenchTest.Kind.GENERATE ? sessions : List.of(1);
                for (int s : streams) {
                    RingStats.Snapshot before = ring.stats();
                    long t0 = System.nanoTime();
                    BenchRunner.Measured m = runner.measure(test, repetitions, s);
                    long wall = System.nanoTime() - t0;
                    RingFigures figures = figures(ring.stats().minus(before), wall, names, ring.ring());
                    rows.add(new BenchRow(facts.name(), facts.sizeBytes(), facts.parameters(), engines, backends, threads,
                            k, s, test.name(), m.mean(), m.stddev(), m.perSession(), m.ttftMillis(),
                            OptionalDouble.empty(), OptionalDouble.empty(), Optional.of(figures)));
                }
            }
        }
        return rows;
    }

    private static RingFigures figures(RingStats.Snapshot d, long wallNanos, List<String> names, List<RingEntry> ring) {
        List<RingFigures.NodeShare> shares = new ArrayList<>();
        for (int i = 0; i < ring.size(); i++) {
            RingEntry e = ring.get(i);
            shares.add(new RingFigures.NodeShare(names.get(i), e.start() + "-" + (e.end() - 1),
                    (double) d.computeNanos()[i] / wallNanos, (double) d.queueNanos()[i] / wallNanos));
        }
        return new RingFigures(d.hopMillis(), d.wireBytesPerToken(), shares);
    }

    /** The engine (0) or backend (1) of a label; the Java engine's backend is the CPU. */
    private static String part(String label, int which) {
        int slash = label.indexOf('/');
        if (slash < 0) {
            return which == 0 ? label : "CPU";
        }
        return which == 0 ? label.substring(0, slash) : label.substring(slash + 1);
    }

    private Path modelFile(PrintWriter err) throws IOException {
        if (synthetic != null) {
            if (model != null || source.hasFile()) {
                throw UserException.usage("--synthetic names the model; give no MODEL or --model-file with it");
            }
            ModelSpec m = source.registry.registry().get(synthetic);
            String quant = m.quant(source.quant).quant();
            ExoHome home = ExoHome.fromEnvironment(System.getenv());
            return new SyntheticFiles(home.resolve("synthetic")).ensure(m, quant, LocalMachine.usableMemoryBytes(),
                    line -> status(err, line));
        }
        if (model == null && !source.hasFile()) {
            throw UserException.usage("name a model (see exo models), give --model-file PATH.gguf, or "
                    + "--synthetic MODEL");
        }
        return source.resolve(model);
    }

    private List<BenchTest> tests() {
        List<BenchTest> out = new ArrayList<>();
        for (int p : prompts) {
            requireNotNegative(p, "-p/--n-prompt");
            if (p > 0) {
                out.add(new BenchTest(BenchTest.Kind.PROMPT, p));
            }
        }
        for (int n : generations) {
            requireNotNegative(n, "-n/--n-gen");
            if (n > 0) {
                out.add(new BenchTest(BenchTest.Kind.GENERATE, n));
            }
        }
        if (out.isEmpty()) {
            throw UserException.usage("no tests: -p and -n are both 0");
        }
        return out;
    }

    private List<Integer> threadCounts() {
        List<Integer> out = threads == null ? List.of(Runtime.getRuntime().availableProcessors()) : threads;
        for (int t : out) {
            if (t < 1 || t > 1024) {
                throw UserException.usage("--threads must be between 1 and 1024, not " + t);
            }
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    private void validate() {
        if (repetitions < 1) {
            throw UserException.usage("--repetitions must be at least 1, not " + repetitions);
        }
        for (int k : sessions) {
            if (k < 1 || k > 256) {
                throw UserException.usage("--sessions must be between 1 and 256, not " + k);
            }
        }
        if (compare && engines != null) {
            throw UserException.usage("--compare measures every engine; leave out --engine");
        }
        if (plot != null) {
            String n = plot.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!n.endsWith(".png") && !n.endsWith(".svg")) {
                throw UserException.usage("--plot takes a .png or .svg file, not " + plot.getFileName());
            }
        }
    }

    private List<EngineKind> engineKinds() {
        if (compare) {
            return List.of(EngineKind.GGML, EngineKind.LLAMA_CPP, EngineKind.JAVA);
        }
        return engines == null ? List.of(EngineKind.AUTO) : List.copyOf(new LinkedHashSet<>(engines));
    }

    private void print(BenchReport report) throws IOException {
        String text;
        if (format.json) {
            text = report.json() + "\n";
        } else if (format.csv) {
            text = report.csv();
        } else if (format.md) {
            text = report.markdown();
        } else {
            Table t = new Table(report.columns().toArray(String[]::new));
            report.cells().forEach(row -> t.row(row.toArray(String[]::new)));
            java.io.StringWriter s = new java.io.StringWriter();
            PrintWriter w = new PrintWriter(s);
            t.print(w);
            report.bandwidth().ifPresent(b -> w.printf(Locale.ROOT, "memory read bandwidth: %.1f GB/s%n", b / 1e9));
            w.flush();
            text = s.toString();
        }
        if (output != null) {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(output, text, StandardCharsets.UTF_8);
        } else {
            PrintWriter out = out();
            out.print(text);
            out.flush();
        }
    }

    private static void requireNotNegative(int n, String option) {
        if (n < 0) {
            throw UserException.usage(option + " must not be negative, not " + n);
        }
    }

    private static void status(PrintWriter err, String line) {
        err.println("exo: " + line);
        err.flush();
    }
}
