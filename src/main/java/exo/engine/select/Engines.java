package exo.engine.select;

import exo.engine.EngineFactory;
import exo.engine.InferenceEngine;
import exo.engine.GpuMode;
import exo.engine.ggml.GgmlDevices;
import exo.engine.ggml.GgmlEngine;
import exo.engine.java.JavaEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.llamacpp.ContextOptions;
import exo.engine.llamacpp.LlamaCppEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine factory of a command or node: the kind the person chose, resolved once ({@code auto}
 * becomes ggml where the llama.cpp library loads, else the Java engine, and says why).
 */
public final class Engines implements EngineFactory {
    /** llama.cpp allocates its whole KV cache at once, so its whole-model engine gets a modest default. */
    private static final int LLAMA_CPP_DEFAULT_CONTEXT = 4096;

    private final EngineKind kind;
    private final GpuMode gpu;
    private final int threads;
    private final WorkerPool pool;
    private final String fallbackReason;

    private Engines(EngineKind kind, GpuMode gpu, int threads, WorkerPool pool, String fallbackReason) {
        this.kind = kind;
        this.gpu = gpu;
        this.threads = threads;
        this.pool = pool;
        this.fallbackReason = fallbackReason;
    }

    /**
     * Resolves {@code chosen} on this machine. The Java engine computes on {@code pool} (the
     * caller's, which outlives the engines); ggml and llama.cpp start {@code threads} threads of
     * their own.
     *
     * @throws exo.engine.llamacpp.LlamaCppException when ggml or llama.cpp was named and the
     *     library cannot be loaded (under auto that falls back instead)
     */
    public static Engines resolve(EngineKind chosen, int threads, WorkerPool pool) {
        return resolve(chosen, GpuMode.AUTO, threads, pool);
    }

    /** As {@link #resolve(EngineKind, int, WorkerPool)}, with ggml on a GPU only where {@code gpu} allows. */
    public static Engines resolve(EngineKind chosen, GpuMode gpu, int threads, WorkerPool pool) {
        Objects.requireNonNull(chosen, "chosen");
        Objects.requireNonNull(gpu, "gpu");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        // Only the native engines look at the native library: --engine java never loads it.
        return switch (chosen) {
            case AUTO -> {
                Optional<String> unavailable = GgmlEngine.unavailableReason();
                yield unavailable.isEmpty()
                        ? new Engines(EngineKind.GGML, gpu, threads, pool, null)
                        : new Engines(EngineKind.JAVA, gpu, threads, pool, unavailable.get());
            }
            case GGML, LLAMA_CPP -> {
                Optional<String> unavailable = GgmlEngine.unavailableReason();
                if (unavailable.isPresent()) {
                    throw new exo.engine.llamacpp.LlamaCppException("the " + chosen + " engine cannot run here: "
                            + unavailable.get());
                }
                yield new Engines(chosen, gpu, threads, pool, null);
            }
            case JAVA -> new Engines(EngineKind.JAVA, gpu, threads, pool, null);
        };
    }

    /** The engine that will run: never {@link EngineKind#AUTO}. */
    public EngineKind kind() {
        return kind;
    }

    /** Why auto chose the Java engine, when it did because ggml could not load. */
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }

    @Override
    public InferenceEngine open(Path file, int start, int end, int contextLength) throws IOException {
        return switch (kind) {
            case GGML -> GgmlEngine.open(file, start, end, threads, contextLength, gpu);
            case JAVA -> JavaEngine.open(file, start, end, pool, contextLength);
            case LLAMA_CPP -> {
                ContextOptions options = ContextOptions.of(threads,
                        contextLength > 0 ? contextLength : LLAMA_CPP_DEFAULT_CONTEXT);
                // As ggml does under --gpu auto: every layer on the library's GPU, when it has one.
                yield LlamaCppEngine.open(file, start, end, gpu == GpuMode.AUTO ? options.onGpu() : options);
            }
            case AUTO -> throw new IllegalStateException("auto is resolved before use");
        };
    }

    /**
     * The short form other machines are told, for plans and peer lists: engine and backend,
     * "ggml/CPU", "ggml/Metal", "java" or "llama.cpp/CPU".
     */
    public String label() {
        return label(kind, gpu);
    }

    /** The {@link #label()} {@code chosen} would have on this machine, without starting an engine. */
    public static String labelOnThisMachine(EngineKind chosen, GpuMode gpu) {
        return label(chosen != EngineKind.AUTO ? chosen
                : GgmlEngine.unavailableReason().isEmpty() ? EngineKind.GGML : EngineKind.JAVA, gpu);
    }

    private static String label(EngineKind kind, GpuMode gpu) {
        return switch (kind) {
            case GGML -> kind.label() + "/" + GgmlDevices.choose(gpu).name();
            case LLAMA_CPP -> kind.label() + "/CPU";
            case JAVA, AUTO -> kind.label();
        };
    }

    @Override
    public String describe() {
        return switch (kind) {
            case GGML -> {
                String device = GgmlDevices.choose(gpu).name();
                yield device.equals("CPU") ? "ggml (CPU, " + threads + (threads == 1 ? " thread)" : " threads)")
                        : "ggml (" + device + ")";
            }
            case JAVA -> "java (" + pool.threads() + (pool.threads() == 1 ? " thread)" : " threads)");
            case LLAMA_CPP -> "llama.cpp (whole models, CPU, " + threads + (threads == 1 ? " thread)" : " threads)");
            case AUTO -> "auto";
        };
    }
}
