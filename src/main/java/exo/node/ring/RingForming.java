package exo.node.ring;

import exo.engine.model.ModelConfig;
import exo.gguf.GgufFile;
import exo.gguf.GgufMetadata;
import exo.topology.Partition;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Forms rings for one model: plans over the live machines, has every node load its slice, and
 * plans again without a node that cannot; at start, and again without the nodes a ring lost
 * (what {@link ResilientRing} rebuilds with).
 */
final class RingForming {
    /** A ring, and this machine's file of the model (whole, or its slice) with its metadata. */
    record Formed(RingEngine ring, Path path, GgufMetadata metadata) {
    }

    private final RingBuilder builder;
    private final RingModel model;
    private final RingSettings settings;
    private final Consumer<String> progress;
    private final Consumer<String> status;

    /**
     * @param progress the routine lines
     * @param status   what did not go as planned (a node that could not load its slice)
     */
    RingForming(RingBuilder builder, RingModel model, RingSettings settings, Consumer<String> progress,
                Consumer<String> status) {
        this.builder = builder;
        this.model = model;
        this.settings = settings;
        this.progress = progress;
        this.status = status;
    }

    RingBuilder builder() {
        return builder;
    }

    /** A ring over the live machines but {@code without}; a node that cannot load its slice is left out too. */
    Formed form(Set<String> without) throws IOException {
        Set<String> failed = new HashSet<>(without);
        while (true) {
            Partition plan = builder.plan(model.id(), model.shape(), failed);
            Path path = model.tailFile().forShard(plan.tail().shard());
            GgufMetadata metadata = GgufFile.readHeader(path).metadata();
            int ctx = settings.context() > 0 ? settings.context() : ModelConfig.from(metadata).contextLength();
            try {
                RingEngine ring = builder.build(plan, model.published().apply(path), path, ctx, settings.wireDtype(),
                        settings.loadTimeout(), settings.forwardTimeout());
                return new Formed(ring, path, metadata);
            } catch (RingBuilder.LoadFailure e) {
                // A node that cannot load its slice (the memory, a file it cannot get) is left out.
                failed.add(e.nodeId());
                status.accept(e.getMessage() + "; planning again without it");
            }
        }
    }
}
