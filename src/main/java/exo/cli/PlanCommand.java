package exo.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.models.ModelSpec;
import exo.models.QuantFile;
import exo.node.LocalMachine;
import exo.topology.DeviceCapabilities;
import exo.topology.MemoryEstimate;
import exo.topology.Partition;
import exo.topology.RingMemoryWeighted;
import exo.topology.RingPlan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `exo plan MODEL`: how a model's layers would be split over a ring of machines. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Show how MODEL's layers would be split over a ring of machines, each share "
                + "proportional to its memory, and whether each machine has the memory for its share.",
                "With no --device, the ring is this machine alone."},
        footer = {"", "Examples:",
                "  exo plan llama-3-70b --device studio=192GB --device mbp=64GB --device self",
                "  exo plan llama-3.1-8b --quant Q8_0 --context 8192 --json",
                "", "Memory needed per machine: its layers' weights (+ token embedding on the head, output "
                + "norm and head on the tail) + F32 KV cache for --context tokens + 256 MiB runtime overhead.",
                "Exit status 1 when some machine is short of memory."})
public final class PlanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    JsonOption json;
    @Mixin
    RegistryOption registry;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model id from 'exo models'.")
    String model;

    @Option(names = "--device", paramLabel = "NAME=MEMORY|self", converter = DeviceArgument.Converter.class,
            description = "A machine of the ring (repeatable): NAME=MEMORY (e.g. mbp=64GB), or 'self' for this machine.")
    List<DeviceArgument> devices = new ArrayList<>();

    @Option(names = "--quant", paramLabel = "QUANT", description = "Quantization (default: the model's default).")
    String quant;

    /** Ollama's and llama.cpp's servers budget a few thousand tokens unless told otherwise. */
    static final int DEFAULT_CONTEXT = 4096;

    @Option(names = "--context", paramLabel = "TOKENS",
            description = "Tokens of KV cache to budget for (default: " + DEFAULT_CONTEXT
                    + " or the model's context length if smaller).")
    Integer requestedContext;

    private int context;

    @Option(names = "--tail", paramLabel = "NAME", description = "The machine at the end of the ring (where you chat).")
    String tail;

    @Option(names = "--memory", paramLabel = "SIZE", converter = DeviceArgument.SizeConverter.class,
            description = "This machine's usable memory, instead of the measured figure.")
    Long memory;

    @Override
    public Integer call() throws Exception {
        ModelSpec spec = registry.registry().get(model);
        context = requestedContext != null ? requestedContext : Math.min(DEFAULT_CONTEXT, spec.context());
        if (context < 1 || context > spec.context()) {
            throw new IllegalArgumentException("--context must be between 1 and " + spec.id() + "'s context length "
                    + spec.context() + ", not " + context);
        }
        QuantFile q = spec.quant(quant);
        List<DeviceCapabilities> machines = machines();
        String tailName = tail != null && tail.equals(DeviceArgument.SELF) ? selfName() : tail;
        Partition partition = new RingMemoryWeighted().partition(machines, spec.id(), spec.layers(), tailName);
        MemoryEstimate estimate = new MemoryEstimate(spec.shape(), spec.bytesPerWeight(q), context,
                MemoryEstimate.KV_BYTES_F32);
        RingPlan plan = RingPlan.check(partition, estimate);
        PrintWriter out = this.spec.commandLine().getOut();
        if (json.json) {
            out.println(toJson(spec, q, plan));
        } else {
            printTable(out, spec, q, plan);
        }
        out.flush();
        return plan.fits() ? ExitCode.OK : ExitCode.FAILURE;
    }

    private List<DeviceCapabilities> machines() {
        List<DeviceArgument> given = devices.isEmpty() ? List.of(new DeviceArgument(DeviceArgument.SELF, null)) : devices;
        List<DeviceCapabilities> out = new ArrayList<>();
        for (DeviceArgument d : given) {
            if (d.isSelf()) {
                long mem = d.memoryBytes() != null ? d.memoryBytes()
                        : memory != null ? memory : LocalMachine.usableMemoryBytes();
                out.add(new DeviceCapabilities(selfName(), mem, LocalMachine.cores(), 0));
            } else {
                out.add(DeviceCapabilities.hypothetical(d.name(), d.memoryBytes()));
            }
        }
        return out;
    }

    private static String selfName() {
        return LocalMachine.hostName();
    }

    private static String layers(RingPlan.Node n) {
        var s = n.assignment().shard();
        return s.layerCount() == 1 ? String.valueOf(s.start()) : s.start() + "-" + (s.end() - 1);
    }

    private static String fit(RingPlan.Node n) {
        return n.fits() ? "fits" : "short by " + ByteSize.format(n.shortBy());
    }

    private void printTable(PrintWriter out, ModelSpec spec, QuantFile q, RingPlan plan) {
        out.printf("%s (%s), %s, %d layers, context %d%n", spec.id(), spec.name(), q.quant(), spec.layers(),
                context);
        Table t = new Table("#", "machine", "role", "memory", "layers", "count", "weights", "kv cache", "needs", "fits");
        for (RingPlan.Node n : plan.nodes()) {
            var a = n.assignment();
            t.row(String.valueOf(a.position()), a.device().name(), a.role().label(),
                    ByteSize.format(a.device().memoryBytes()), layers(n), String.valueOf(a.shard().layerCount()),
                    ByteSize.format(n.weightBytes()), ByteSize.format(n.kvBytes()), ByteSize.format(n.requiredBytes()),
                    fit(n));
        }
        t.print(out);
        String ring = plan.nodes().stream().map(n -> n.assignment().device().name()).collect(Collectors.joining(" -> "));
        out.println(plan.nodes().size() == 1 ? "ring: " + ring + " alone (head and tail)"
                : "ring: " + ring + " -> " + plan.nodes().getFirst().assignment().device().name());
        for (Partition.Exclusion e : plan.partition().excluded()) {
            out.println("left out: " + e.device().name() + " (" + e.reason() + ")");
        }
        out.printf("total: %d machine%s, %s memory, %s needed: %s%n", plan.nodes().size(),
                plan.nodes().size() == 1 ? "" : "s", ByteSize.format(plan.totalMemoryBytes()),
                ByteSize.format(plan.totalRequiredBytes()),
                plan.fits() ? "fits" : "does not fit");
    }


    private String toJson(ModelSpec spec, QuantFile q, RingPlan plan) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", spec.id()).put("quant", q.quant()).put("layers", spec.layers()).put("context", context);
        ArrayNode nodes = root.putArray("nodes");
        for (RingPlan.Node n : plan.nodes()) {
            var a = n.assignment();
            nodes.addObject().put("name", a.device().name()).put("memory_bytes", a.device().memoryBytes())
                    .put("position", a.position()).put("role", a.role().label())
                    .put("start_layer", a.shard().start()).put("end_layer", a.shard().end())
                    .put("layer_count", a.shard().layerCount()).put("weight_bytes", n.weightBytes())
                    .put("kv_bytes", n.kvBytes()).put("required_bytes", n.requiredBytes()).put("fits", n.fits())
                    .put("short_by_bytes", n.shortBy());
        }
        ArrayNode excluded = root.putArray("excluded");
        for (Partition.Exclusion e : plan.partition().excluded()) {
            excluded.addObject().put("name", e.device().name()).put("memory_bytes", e.device().memoryBytes())
                    .put("reason", e.reason());
        }
        root.put("total_memory_bytes", plan.totalMemoryBytes()).put("required_bytes", plan.totalRequiredBytes())
                .put("fits", plan.fits());
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
}
