package exo.node.ring;

import exo.engine.model.ModelConfig;
import exo.gguf.GgufFile;
import exo.gguf.GgufMetadata;
import exo.peer.ModelRef;
import exo.peer.WireDtype;
import exo.topology.ModelShape;
import exo.topology.Partition;
import exo.topology.Shard;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Forms rings for one model: plans over the live machines, has every node load its slice, and
 * plans again without a node that cannot; at start, and again without the nodes a ring lost
 * (what {@link ResilientRing} rebuilds with).
 */
public final class RingForming {
    /** This machine's copy of the tail's slice: the whole local file, or that slice fetched. */
    public interface TailFile {
        Path forShard(Shard shard) throws IOException;
    }

    /** A ring, and this machine's file of the model (whole, or its slice) with its metadata. */
    public record Formed(RingEngine ring, Path path, GgufMetadata metadata) {
    }

    private final RingBuilder builder;
    private final String modelId;
    private final ModelShape shape;
    private final TailFile tailFile;
    private final java.util.function.Function<Path, ModelRef> modelRef;
    private final int context;
    private final WireDtype wireDtype;
    private final Consumer<String> status;

    /**
     * @param modelRef what the other nodes load, given this machine's file (a named model's
     *                 published file, or this file by name)
     * @param context  0 for the model's own
     */
    public RingForming(RingBuilder builder, String modelId, ModelShape shape, TailFile tailFile,
                       java.util.function.Function<Path, ModelRef> modelRef, int context, WireDtype wireDtype,
                       Consumer<String> status) {
        this.builder = builder;
        this.modelId = modelId;
        this.shape = shape;
        this.tailFile = tailFile;
        this.modelRef = modelRef;
        this.context = context;
        this.wireDtype = wireDtype;
        this.status = status;
    }

    /** A ring over the live machines but {@code without}; a node that cannot load its slice is left out too. */
    public Formed form(Set<String> without) throws IOException {
        Set<String> failed = new HashSet<>(without);
        while (true) {
            Partition plan = builder.plan(modelId, shape, failed);
            Path path = tailFile.forShard(plan.tail().shard());
            GgufMetadata metadata = GgufFile.readHeader(path).metadata();
            int ctx = context > 0 ? context : ModelConfig.from(metadata).contextLength();
            try {
                RingEngine ring = builder.build(plan, modelRef.apply(path), path, ctx, wireDtype, Duration.ofMinutes(30),
                        Duration.ofMinutes(10));
                status.accept("ring: " + String.join(" -> ", ring.ring().stream().map(e -> builder.describe(e.nodeId())
                        + " [layers " + e.start() + "-" + (e.end() - 1) + "]").toList()));
                return new Formed(ring, path, metadata);
            } catch (RingBuilder.LoadFailure e) {
                // A node that cannot load its slice (the memory, a file it cannot get) is left out.
                failed.add(e.nodeId());
                status.accept(e.getMessage() + "; planning again without it");
            }
        }
    }
}
