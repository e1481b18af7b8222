package exo.cli;

import exo.bench.BenchPlot;
import exo.bench.BenchReport;
import exo.bench.BenchRow;
import exo.bench.BenchRunner;
import exo.bench.BenchTest;
import exo.bench.MemoryBandwidth;
import exo.bench.ModelFacts;
import exo.bench.SyntheticFiles;
import exo.engine.InferenceEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.select.EngineKind;
import exo.engine.select.Engines;
import exo.models.ModelSpec;
import exo.node.ExoHome;
import exo.node.LocalMachine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `exo bench`: prompt processing and generation speed, in llama-bench's form. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure prompt processing (ppN) and generation (tgN) speed of MODEL on this machine, "
                + "per engine and thread count, as llama-bench does: a warm-up that is not counted, then each test "
                + "repeated from an empty context. The table goes to stdout, progress to stderr."},
        footer = {"", "Examples:",
                "  exo bench --model-file model.gguf",
                "  exo bench --model-file model.gguf --compare -p 128,512 -n 64 -t 1,2",
                "  exo bench --synthetic llama-3.2-1b --quant Q4_K_M --memory-bandwidth --md",
                "  exo bench --model-file model.gguf -n 64 -p 0 --sessions 1,2,4 --json --output runs.json",
                "", "Columns: t/s is the mean ± standard deviation over the repetitions (with several sessions, all "
                + "of them together; per session is one stream's share), ttft ms the time to the first token (the "
                + "prompt's prefill for pp, the first step for tg), vs llama.cpp the ratio to llama.cpp in the same "
                + "test, of bandwidth the weights read per token x t/s over the measured read bandwidth."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ModelSource source;
    @Mixin
    RegistryOption registry;

    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "A model id from 'exo models' that is on this machine.")
    String model;

    @Option(names = "--synthetic", paramLabel = "MODEL",
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

    @Option(names = "--compare", description = "Every engine that can run the file (ggml, llama.cpp, java), with the "
            + "ratio to llama.cpp in its own column.")
    boolean compare;

    @Option(names = "--sessions", paramLabel = "K", split = ",", defaultValue = "1",
            description = "Concurrent generation streams for tg tests (default: ${DEFAULT-VALUE}).")
    List<Integer> sessions;

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
        PrintWriter err = spec.commandLine().getErr();
        Path file = modelFile(err);
        ModelFacts facts = ModelFacts.of(file);
        int context = tests.stream().mapToInt(BenchTest::positions).max().orElseThrow() + 1;
        for (BenchTest t : tests) {
            if (t.positions() > facts.context()) {
                throw new IllegalArgumentException("test " + t.name() + " needs " + t.positions()
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
        for (EngineKind kind : engineKinds()) {
            for (int t : threadCounts) {
                rows.addAll(measure(kind, t, file, facts, tests, context, err));
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no engine here can run " + file.getFileName());
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
                engines = Engines.resolve(kind, threads, pool);
                engine = engines.open(file, 0, -1, context);
            } catch (RuntimeException e) {
                String why = "the " + kind + " engine cannot run " + file.getFileName() + ": " + ExitCode.message(e);
                if (compare) {
                    status(err, why + "; left out");
                    return rows;
                }
                throw new IllegalArgumentException(why, e);
            }
            String label = engines.label();
            String name = label.contains("/") ? label.substring(0, label.indexOf('/')) : label;
            String backend = label.contains("/") ? label.substring(label.indexOf('/') + 1) : "CPU";
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
                                OptionalDouble.empty(), OptionalDouble.empty()));
                    }
                }
            }
        }
        return rows;
    }

    private Path modelFile(PrintWriter err) throws IOException {
        if (synthetic != null) {
            if (model != null || source.hasFile()) {
                throw new IllegalArgumentException("--synthetic names the model; give no MODEL or --model-file with it");
            }
            ModelSpec m = registry.registry().get(synthetic);
            String quant = m.quant(source.quant).quant();
            ExoHome home = ExoHome.fromEnvironment(System.getenv());
            return new SyntheticFiles(home.resolve("synthetic")).ensure(m, quant, LocalMachine.usableMemoryBytes(),
                    line -> status(err, line));
        }
        if (model == null && !source.hasFile()) {
            throw new IllegalArgumentException("name a model (see exo models), give --model-file PATH.gguf, or "
                    + "--synthetic MODEL");
        }
        return source.resolve(model, registry);
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
            throw new IllegalArgumentException("no tests: -p and -n are both 0");
        }
        return out;
    }

    private List<Integer> threadCounts() {
        List<Integer> out = threads == null ? List.of(Runtime.getRuntime().availableProcessors()) : threads;
        for (int t : out) {
            if (t < 1 || t > 1024) {
                throw new IllegalArgumentException("--threads must be between 1 and 1024, not " + t);
            }
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    private void validate() {
        if (repetitions < 1) {
            throw new IllegalArgumentException("--repetitions must be at least 1, not " + repetitions);
        }
        for (int k : sessions) {
            if (k < 1 || k > 256) {
                throw new IllegalArgumentException("--sessions must be between 1 and 256, not " + k);
            }
        }
        if (compare && engines != null) {
            throw new IllegalArgumentException("--compare measures every engine; leave out --engine");
        }
        if (plot != null) {
            String n = plot.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!n.endsWith(".png") && !n.endsWith(".svg")) {
                throw new IllegalArgumentException("--plot takes a .png or .svg file, not " + plot.getFileName());
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
            Table t = new Table(BenchReport.COLUMNS.toArray(String[]::new));
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
            PrintWriter out = spec.commandLine().getOut();
            out.print(text);
            out.flush();
        }
    }

    private static void requireNotNegative(int n, String option) {
        if (n < 0) {
            throw new IllegalArgumentException(option + " must not be negative, not " + n);
        }
    }

    private static void status(PrintWriter err, String line) {
        err.println("exo: " + line);
        err.flush();
    }
}
