package exo.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.engine.select.EngineKind;
import exo.engine.select.Engines;
import exo.models.ModelSpec;
import exo.models.QuantFile;
import exo.node.ClusterSurvey;
import exo.topology.DeviceCapabilities;
import java.util.ArrayList;
import java.util.List;
import exo.topology.Partition;
import exo.topology.RingPlan;
import java.io.PrintWriter;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `exo plan MODEL`: how a model's layers would be split over a ring of machines. */
@Command(name = "plan", description = {"Show how MODEL's layers would be split over a ring of machines, each share "
                + "proportional to its memory, and whether each machine has the memory for its share.",
                "With no --device, the ring is this machine and the live cluster's nodes it finds (see exo peers)."},
        footer = {"", "Examples:",
                "  exo plan llama-3-70b --device studio=192GB --device mbp=64GB --device self",
                "  exo plan llama-3.1-8b --quant Q8_0 --context 8192 --json",
                "", "Memory needed per machine: its layers' weights (+ token embedding on the head, output "
                + "norm and head on the tail) + F32 KV cache for --context tokens + 256 MiB runtime overhead.",
                "Layer sizes come from the file's tensor table when its header is at hand (in the Hugging Face cache, "
                + "or read by range with --fetch-header), else from llama.cpp's quantizer rules applied to the "
                + "model's tensors. A mixture of experts' layer holds every expert but a token reads only the ones "
                + "it is routed to (reads/token); the work (bytes read per token) is shared in proportion to memory, "
                + "or the memory itself where that does not fit. Latent attention caches kv_lora_rank + rope dims "
                + "per token per layer; sliding-window layers are budgeted at full length.",
                "Engine: what computes a machine's layers and where (ggml/CPU, java): this machine's from "
                + "--engine, a live node's as it advertises, '-' for a machine given with --device.",
                "Exit status 1 when some machine is short of memory."})
public final class PlanCommand extends Subcommand {
    @Mixin
    JsonOption json;
    @Mixin
    RegistryOption registry;

    @Parameters(index = "0", paramLabel = "MODEL", completionCandidates = Completions.ModelIds.class,
            description = "A model id from 'exo models'.")
    String model;

    @Mixin
    PlanOptions plan;

    @Option(names = "--quant", paramLabel = "QUANT", completionCandidates = Completions.Quants.class,
            description = "Quantization (default: the model's default).")
    String quant;

    @Mixin
    SurveyOptions survey;

    @Option(names = "--engine", paramLabel = "auto|ggml|java|llama.cpp", defaultValue = "auto",
            converter = EngineOption.Converter.class,
            description = "The engine this machine would compute with (default: ${DEFAULT-VALUE}); the other "
                    + "machines' engines are what they advertise.")
    EngineKind engine;

    @Option(names = "--gpu", paramLabel = "auto|off", defaultValue = "auto", converter = EngineOption.GpuConverter.class,
            description = "Whether this machine's ggml would compute on a GPU (default: ${DEFAULT-VALUE}).")
    exo.engine.GpuMode gpu;

    @Override
    public Integer call() throws Exception {
        ModelSpec spec = registry.registry().get(model);
        QuantFile q = spec.quant(quant);
        PlanOptions.Planned planned = this.plan.compute(spec, q, this.plan.devices.isEmpty() ? liveNodes() : List.of(),
                Engines.labelOnThisMachine(engine, gpu));
        RingPlan plan = planned.ring();
        int context = this.plan.context(spec);
        PrintWriter out = this.out();
        if (json.json) {
            out.println(toJson(spec, q, planned, context));
        } else {
            printTable(out, spec, q, planned, context);
        }
        out.flush();
        return plan.fits() ? ExitCode.OK : ExitCode.FAILURE;
    }

    /** The nodes of the live cluster that answer, as plan devices (named by node name, or id when names clash). */
    private List<DeviceCapabilities> liveNodes() throws Exception {
        if (!survey.multicast() && survey.peers.isEmpty()) {
            return List.of();
        }
        List<DeviceCapabilities> out = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>(List.of(PlanOptions.selfName()));
        for (ClusterSurvey.Seen s : survey.look()) {
            if (s.node() != null && s.reachable()) {
                var d = s.node().device();
                String name = names.add(d.name()) ? d.name() : s.node().id();
                names.add(name);
                out.add(new DeviceCapabilities(name, d.memoryBytes(), d.cores(), d.flops(), d.engine()));
            }
        }
        return out;
    }

    private static String layers(RingPlan.Node n) {
        var s = n.assignment().shard();
        return s.layerCount() == 1 ? String.valueOf(s.start()) : s.start() + "-" + (s.end() - 1);
    }

    private static String fit(RingPlan.Node n) {
        return n.fits() ? "fits" : "short by " + ByteSize.format(n.shortBy());
    }

    private static void printTable(PrintWriter out, ModelSpec spec, QuantFile q, PlanOptions.Planned planned,
                                   int context) {
        RingPlan plan = planned.ring();
        out.printf("%s (%s), %s, %d layers, context %d%n", spec.id(), spec.name(), q.quant(), spec.layers(),
                context);
        Table t = new Table("#", "machine", "role", "engine", "memory", "layers", "count", "weights", "kv cache", "needs",
                "reads/token", "fits");
        for (RingPlan.Node n : plan.nodes()) {
            var a = n.assignment();
            t.row(String.valueOf(a.position()), a.device().name(), a.role().label(),
                    a.device().engine().isEmpty() ? "-" : a.device().engine(), ByteSize.format(a.device().memoryBytes()), layers(n), String.valueOf(a.shard().layerCount()),
                    ByteSize.format(n.weightBytes()), ByteSize.format(n.kvBytes()), ByteSize.format(n.requiredBytes()),
                    ByteSize.format(n.activeBytes()), fit(n));
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
        out.println("sizes: " + planned.sizes() + "; split in proportion to memory by " + plan.basis().label()
                + "; " + ByteSize.format(plan.totalActiveBytes()) + " of weights read per token");
    }

    private static String toJson(ModelSpec spec, QuantFile q, PlanOptions.Planned planned, int context)
            throws Exception {
        RingPlan plan = planned.ring();
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", spec.id()).put("quant", q.quant()).put("layers", spec.layers()).put("context", context)
                .put("sizes", planned.sizes()).put("split_by", plan.basis().name().toLowerCase(java.util.Locale.ROOT));
        ArrayNode nodes = root.putArray("nodes");
        for (RingPlan.Node n : plan.nodes()) {
            var a = n.assignment();
            nodes.addObject().put("name", a.device().name()).put("memory_bytes", a.device().memoryBytes())
                    .put("position", a.position()).put("role", a.role().label())
                    .put("engine", a.device().engine().isEmpty() ? null : a.device().engine())
                    .put("start_layer", a.shard().start()).put("end_layer", a.shard().end())
                    .put("layer_count", a.shard().layerCount()).put("weight_bytes", n.weightBytes())
                    .put("kv_bytes", n.kvBytes()).put("required_bytes", n.requiredBytes())
                    .put("active_bytes_per_token", n.activeBytes()).put("fits", n.fits())
                    .put("short_by_bytes", n.shortBy());
        }
        ArrayNode excluded = root.putArray("excluded");
        for (Partition.Exclusion e : plan.partition().excluded()) {
            excluded.addObject().put("name", e.device().name()).put("memory_bytes", e.device().memoryBytes())
                    .put("reason", e.reason());
        }
        root.put("total_memory_bytes", plan.totalMemoryBytes()).put("required_bytes", plan.totalRequiredBytes())
                .put("active_bytes_per_token", plan.totalActiveBytes()).put("fits", plan.fits());
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
}
