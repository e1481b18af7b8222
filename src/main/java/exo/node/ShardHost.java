package exo.node;

import exo.InvalidInputException;

import exo.engine.InferenceEngine;
import exo.engine.EngineFactory;
import exo.peer.ModelRef;
import exo.topology.Shard;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shards this node has loaded, keyed by model and layer range, so that sessions of the
 * same plan share one set of mapped weights and a repeated load request is answered at once.
 */
public final class ShardHost implements AutoCloseable {
    private final SliceSource source;
    private final EngineFactory factory;
    /** A loaded engine and the shard it runs, named by model id as the load asked for it. */
    private record Loaded(InferenceEngine engine, Shard shard) {
    }

    private final Map<String, Loaded> engines = new ConcurrentHashMap<>();

    /** Where slices come from; the node's file server finds the files it serves here too. */
    SliceSource source() {
        return source;
    }

    public ShardHost(SliceSource source, EngineFactory engines) {
        this.source = source;
        this.factory = engines;
    }

    static String key(String model, int start, int end) {
        return model + "[" + start + "," + end + ")";
    }

    /** Loads (or finds loaded) {@code shard} of {@code model}, fetching its tensors if this node lacks them. */
    public synchronized InferenceEngine load(ModelRef model, Shard shard, int contextLength,
                                             exo.download.ProgressListener progress) throws IOException {
        return load(model, shard, contextLength, java.util.Optional.empty(), progress);
    }

    /** As above, the slice's bytes taken from {@code peer} (a node holding the file) before the hub. */
    public synchronized InferenceEngine load(ModelRef model, Shard shard, int contextLength,
                                             java.util.Optional<exo.download.ByteSource> peer,
                                             exo.download.ProgressListener progress) throws IOException {
        String key = key(model.id(), shard.start(), shard.end());
        Loaded loaded = engines.get(key);
        if (loaded != null) {
            return loaded.engine();
        }
        Path file = source.slice(model, shard, peer, progress);
        InferenceEngine engine = factory.open(file, shard.start(), shard.end(), contextLength);
        if (engine.shard().layers() != shard.layers()) {
            engine.close();
            throw new InvalidInputException(file.getFileName() + " has " + engine.shard().layers()
                    + " layers, the plan expects " + shard.layers());
        }
        engines.put(key, new Loaded(engine, shard));
        return engine;
    }

    public Optional<InferenceEngine> engine(String model, int start, int end) {
        return Optional.ofNullable(engines.get(key(model, start, end))).map(Loaded::engine);
    }

    /** The shards loaded now, for `exo ps`. */
    public java.util.List<Shard> loaded() {
        return engines.values().stream().map(Loaded::shard).toList();
    }

    /** Frees a session's caches in every loaded shard. */
    public void release(String session) {
        engines.values().forEach(l -> l.engine().release(session));
    }

    @Override
    public synchronized void close() {
        engines.values().forEach(l -> l.engine().close());
        engines.clear();
    }
}
