package exo.cli;

import exo.models.ModelSpec;
import exo.models.QuantFile;
import exo.node.LocalMachine;
import exo.download.HfClient;
import exo.download.HfSettings;
import exo.download.HubCache;
import exo.download.HubException;
import exo.download.ModelHeaders;
import exo.gguf.GgufHeader;
import exo.topology.DeviceCapabilities;
import exo.topology.GgufPlanInput;
import exo.topology.MemoryEstimate;
import exo.topology.ModelBytes;
import exo.topology.RingPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The machines of a plan and what to budget for: shared by exo plan and exo download --plan. */
public final class PlanOptions {
    /** Ollama's and llama.cpp's servers budget a few thousand tokens unless told otherwise. */
    static final int DEFAULT_CONTEXT = 4096;

    @Option(names = "--device", paramLabel = "NAME=MEMORY|self", converter = DeviceArgument.Converter.class,
            description = "A machine of the ring (repeatable): NAME=MEMORY (e.g. mbp=64GB), or 'self' for this machine.")
    List<DeviceArgument> devices = new ArrayList<>();

    @Option(names = "--context", paramLabel = "TOKENS",
            description = "Tokens of KV cache to budget for (default: " + DEFAULT_CONTEXT
                    + " or the model's context length if smaller).")
    Integer requestedContext;

    @Option(names = "--tail", paramLabel = "NAME", description = "The machine at the end of the ring (where you chat).")
    String tail;

    @Option(names = "--memory", paramLabel = "SIZE", converter = DeviceArgument.SizeConverter.class,
            description = "This machine's usable memory, instead of the measured figure.")
    Long memory;

    @Option(names = "--fetch-header",
            description = "Size the layers from the published file's own tensor table, read by range from Hugging "
                    + "Face (a few MiB per part), when the file is not in the cache.")
    boolean fetchHeader;

    /** A plan and where its sizes came from. */
    record Planned(RingPlan ring, String sizes) {
    }

    boolean anyGiven() {
        return !devices.isEmpty() || requestedContext != null || tail != null || memory != null || fetchHeader;
    }

    int context(ModelSpec spec) {
        int context = requestedContext != null ? requestedContext : Math.min(DEFAULT_CONTEXT, spec.context());
        if (context < 1 || context > spec.context()) {
            throw UserException.usage("--context must be between 1 and " + spec.id() + "'s context length "
                    + spec.context() + ", not " + context);
        }
        return context;
    }

    /** This machine's name in plans. */
    static String selfName() {
        return LocalMachine.hostName();
    }

    Planned compute(ModelSpec spec, QuantFile q) throws IOException {
        return compute(spec, q, List.of(), "");
    }

    /**
     * The plan over {@code --device}s, or with none over this machine and the {@code live} nodes;
     * this machine computes with {@code selfEngine} ("" when it does not matter).
     */
    Planned compute(ModelSpec spec, QuantFile q, List<DeviceCapabilities> live, String selfEngine) throws IOException {
        int context = context(spec);
        String tailName = tail != null && tail.equals(DeviceArgument.SELF) ? selfName() : tail;
        List<DeviceCapabilities> machines = machines(selfEngine);
        if (devices.isEmpty()) {
            machines = new ArrayList<>(machines);
            machines.addAll(live);
        }
        Sizing sizing = sizing(spec, q, context);
        return new Planned(RingPlan.plan(machines, spec.id(), tailName, sizing.estimate()), sizing.source());
    }

    private record Sizing(MemoryEstimate estimate, String source) {
    }

    /**
     * The layers' sizes: the file's own tensor table where its header is at hand (cached, or
     * fetched with --fetch-header), else the table llama.cpp's quantizer rules give the model's
     * shape, else the file's average bytes per weight.
     */
    private Sizing sizing(ModelSpec spec, QuantFile q, int context) throws IOException {
        java.util.Map<String, String> env = System.getenv();
        if (!q.isByteSplit()) {
            Optional<List<GgufHeader>> cached = ModelHeaders.cached(HubCache.fromEnvironment(env), q.repo(),
                    q.partFiles());
            if (cached.isPresent()) {
                return fromHeaders(spec, cached.get(), context, "the cached file's tensor table");
            }
            if (fetchHeader) {
                try (HfClient client = new HfClient(HfSettings.fromEnvironment(env))) {
                    return fromHeaders(spec, ModelHeaders.fetch(client, q.repo(), q.partFiles(), "main"), context,
                            "the published file's tensor table (" + q.parts() + " header" + (q.parts() == 1 ? "" : "s")
                                    + " read by range)");
                } catch (HubException e) {
                    throw new UserException(ExitCode.FAILURE, "cannot read " + q.file() + "'s header: " + e.getMessage());
                }
            }
        } else if (fetchHeader) {
            throw new UserException(ExitCode.USAGE, "--fetch-header: " + q.file() + " is cut into byte ranges, not gguf-split "
                    + "parts, so its header cannot be read part by part");
        }
        List<exo.gguf.GgufTensorInfo> table;
        try {
            table = spec.tensorTable(q.quant());
        } catch (IllegalArgumentException | ArithmeticException noRules) {
            // a quantization the size model does not cover, rows llama.cpp could not quantize so, or
            // tensors too large to count in bytes (a registry's absurd shape)
            return new Sizing(MemoryEstimate.of(spec.shape(), spec.bytesPerWeight(q), context,
                    MemoryEstimate.KV_BYTES_F32), "the file's average bytes per weight");
        }
        var e = spec.shape().experts();
        ModelBytes bytes = ModelBytes.of(table, spec.layers(), e.count(), e.used());
        return new Sizing(new MemoryEstimate(bytes, spec.shape().kvElementsPerTokenPerLayer(), context,
                MemoryEstimate.KV_BYTES_F32), "llama.cpp's " + q.quant() + " rules on the model's tensors");
    }

    private static Sizing fromHeaders(ModelSpec spec, List<GgufHeader> headers, int context, String source) {
        GgufPlanInput in = GgufPlanInput.of(headers);
        if (in.bytes().layers() != spec.layers()) {
            throw new exo.gguf.GgufFormatException(spec.id() + "'s file has " + in.bytes().layers()
                    + " layers, models.yaml says " + spec.layers());
        }
        return new Sizing(in.estimate(context, MemoryEstimate.KV_BYTES_F32), source);
    }

    private List<DeviceCapabilities> machines(String selfEngine) {
        List<DeviceArgument> given = devices.isEmpty() ? List.of(new DeviceArgument(DeviceArgument.SELF, null)) : devices;
        List<DeviceCapabilities> out = new ArrayList<>();
        for (DeviceArgument d : given) {
            if (d.isSelf()) {
                long mem = d.memoryBytes() != null ? d.memoryBytes()
                        : memory != null ? memory : LocalMachine.usableMemoryBytes();
                out.add(new DeviceCapabilities(selfName(), mem, LocalMachine.cores(), 0, selfEngine));
            } else {
                out.add(DeviceCapabilities.hypothetical(d.name(), d.memoryBytes()));
            }
        }
        return out;
    }
}
