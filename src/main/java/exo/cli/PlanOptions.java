package exo.cli;

import exo.models.ModelSpec;
import exo.models.QuantFile;
import exo.node.LocalMachine;
import exo.topology.DeviceCapabilities;
import exo.topology.MemoryEstimate;
import exo.topology.Partition;
import exo.topology.RingMemoryWeighted;
import exo.topology.RingPlan;
import java.util.ArrayList;
import java.util.List;
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

    boolean anyGiven() {
        return !devices.isEmpty() || requestedContext != null || tail != null || memory != null;
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

    RingPlan compute(ModelSpec spec, QuantFile q) {
        return compute(spec, q, List.of(), "");
    }

    /**
     * The plan over {@code --device}s, or with none over this machine and the {@code live} nodes;
     * this machine computes with {@code selfEngine} ("" when it does not matter).
     */
    RingPlan compute(ModelSpec spec, QuantFile q, List<DeviceCapabilities> live, String selfEngine) {
        int context = context(spec);
        String tailName = tail != null && tail.equals(DeviceArgument.SELF) ? selfName() : tail;
        List<DeviceCapabilities> machines = machines(selfEngine);
        if (devices.isEmpty()) {
            machines = new ArrayList<>(machines);
            machines.addAll(live);
        }
        Partition partition = RingMemoryWeighted.forModel(spec.shape()).partition(machines, spec.id(), spec.layers(),
                tailName);
        MemoryEstimate estimate = new MemoryEstimate(spec.shape(), spec.bytesPerWeight(q), context,
                MemoryEstimate.KV_BYTES_F32);
        return RingPlan.check(partition, estimate);
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
