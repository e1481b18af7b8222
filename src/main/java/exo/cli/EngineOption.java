package exo.cli;

import exo.InvalidInputException;

import exo.engine.GpuMode;
import exo.engine.select.EngineKind;
import exo.engine.select.Engines;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.InferenceEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --engine auto|ggml|java|llama.cpp}, {@code --gpu} and {@code --threads}: how the commands that compute do it. */
final class EngineOption {
    @Option(names = "--engine", paramLabel = "auto|ggml|java|llama.cpp", defaultValue = "auto",
            converter = Converter.class,
            description = {"Which engine computes (default: ${DEFAULT-VALUE}: ggml where llama.cpp's library loads, "
                    + "else java). ggml runs any GGUF llama.cpp reads, also as a slice of a ring; java is exo's own, "
                    + "portable engine (F32, F16, BF16, Q8_0, Q4_0, K-quants); llama.cpp runs whole models only."})
    EngineKind kind = EngineKind.AUTO;

    @Option(names = "--gpu", paramLabel = "auto|off", defaultValue = "auto", converter = GpuConverter.class,
            description = {"Whether ggml computes on a GPU (default: ${DEFAULT-VALUE}: the first one llama.cpp's "
                    + "library has a backend for, as Metal on a Mac; off: the CPU)."})
    GpuMode gpu = GpuMode.AUTO;

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "Compute threads (default: the cores the machine's load leaves idle, at least one).")
    Integer threads;

    /** Compute threads: --threads, else the cores the load leaves idle (see LocalMachine.defaultThreads). */
    int threads() {
        if (threads == null) {
            threads = exo.node.LocalMachine.defaultThreads();
        }
        int n = threads;
        if (n < 1 || n > 1024) {
            throw UserException.usage("--threads must be between 1 and 1024, not " + n);
        }
        return n;
    }

    /** Resolves the choice on this machine. */
    Engines resolve(int threads, WorkerPool pool) {
        return Engines.resolve(kind, gpu, threads, pool);
    }

    /** Opens the whole model at {@code path} with the engine chosen on this machine. */
    Opened openWhole(Path path, int threads, WorkerPool pool, int context) throws IOException {
        Engines engines = resolve(threads, pool);
        return new Opened(engines.open(path, 0, -1, context), engines);
    }

    /** An open engine and how it was chosen. */
    record Opened(InferenceEngine engine, Engines engines) {
        /**
         * Under auto, says which engine was picked and why; called once the model is open and has
         * answered, so that a refused file or prompt is still reported in one line alone.
         */
        void announce(EngineKind asked, PrintWriter err) {
            if (asked == EngineKind.AUTO) {
                err.println("exo: engine " + engines.describe() + engines.fallbackReason()
                        .map(r -> " because ggml is unavailable: " + r).orElse("") + busyNote());
                err.flush();
            }
        }
    }

    /** "; this machine is busy (load 3.1 on 2 cores)" when it is, so a slow answer has its reason. */
    static String busyNote() {
        return exo.node.LocalMachine.busy() ? String.format(java.util.Locale.ROOT,
                "; this machine is busy (load %.1f on %d cores)", exo.node.LocalMachine.loadAverage(),
                exo.node.LocalMachine.cores()) : "";
    }

    static final class GpuConverter implements ITypeConverter<GpuMode> {
        @Override
        public GpuMode convert(String value) {
            try {
                return GpuMode.parse(value);
            } catch (InvalidInputException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class Converter implements ITypeConverter<EngineKind> {
        @Override
        public EngineKind convert(String value) {
            try {
                return EngineKind.parse(value);
            } catch (InvalidInputException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
