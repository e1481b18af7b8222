package exo.node.ring;

import exo.peer.ModelRef;
import exo.topology.ModelShape;
import exo.topology.Shard;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a ring runs, and how each machine gets its part of it.
 *
 * @param id        the model's id as the nodes know it (a models.yaml id, or a file's name)
 * @param shape     its dimensions, for the plan
 * @param tailFile  this machine's copy of the tail's slice: the whole local file, or that slice fetched
 * @param published what the other nodes load, given this machine's file (a named model's
 *                  published file, or this file by name, which they may read from this machine)
 */
public record RingModel(String id, ModelShape shape, TailFile tailFile, Function<Path, ModelRef> published) {

    /** This machine's file holding a shard of the model (fetched when it lacks one). */
    @FunctionalInterface
    public interface TailFile {
        Path forShard(Shard shard) throws IOException;
    }

    public RingModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(tailFile, "tailFile");
        Objects.requireNonNull(published, "published");
    }
}
