package exo.cli;

import exo.download.ProgressListener;
import exo.engine.InferenceEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.model.ModelConfig;
import exo.gguf.GgufFile;
import exo.gguf.GgufMetadata;
import exo.models.ModelSpec;
import exo.models.QuantFile;
import exo.node.ExoHome;
import exo.node.SliceSource;
import exo.node.ring.ClusterRuntime;
import exo.node.ring.ResilientRing;
import exo.node.ring.RingModel;
import exo.node.ring.RingSettings;
import exo.peer.ModelRef;
import exo.repl.ClusterView;
import exo.serve.ServedModel;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import exo.topology.ModelShape;
import exo.topology.Shard;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Opens the model a run, a chat or a server talks to, from what the command's options say: on
 * this machine alone when it looks for no peers (at once), else through the
 * {@link ClusterRuntime} as the tail of a ring over the peers it finds. Where the model is not on
 * this machine, only this machine's slice is fetched. What it opened is closed with it.
 */
final class ModelStartup implements AutoCloseable {
    private final InferenceEngine engine;
    private final Path file;
    private final GgufMetadata metadata;
    private final Tokenizer tokenizer;
    private final ClusterView view;
    /** The cluster run of a ring; null on this machine alone. */
    private final ClusterRuntime cluster;
    private final WorkerPool pool;
    /** How this machine alone computes ("ggml/CPU"); empty for a ring, whose nodes say theirs. */
    private final String localEngine;
    /** What this machine had free when the model opened: fixed, as a peer's advertised memory is, so the view is steady. */
    private final long localMemory = exo.node.LocalMachine.usableMemoryBytes();
    /** How the engine of this machine alone was chosen; null for a ring. */
    private final exo.engine.select.Engines localEngines;

    private ModelStartup(InferenceEngine engine, Path file, GgufMetadata metadata, ClusterView view,
                         ClusterRuntime cluster, WorkerPool pool, exo.engine.select.Engines localEngines) {
        this.engine = engine;
        this.file = file;
        this.metadata = metadata;
        this.tokenizer = Tokenizers.fromMetadata(metadata);
        this.view = view;
        this.cluster = cluster;
        this.pool = pool;
        this.localEngines = localEngines;
        this.localEngine = localEngines == null ? "" : localEngines.label();
    }

    /** What a command says about the model and how to reach peers. */
    record Request(ModelRunOptions options, String model, int context) {

        ModelSource source() {
            return options.source;
        }

        RegistryOption registry() {
            return options.source.registry;
        }

        EngineOption engine() {
            return options.engine;
        }

        ClusterOptions cluster() {
            return options.tail.cluster;
        }

        RingOptions ring() {
            return options.tail.ring;
        }

        /** The id the ring's nodes know the model by: the models.yaml id, or the file's name without .gguf. */
        String modelId() {
            return model != null ? model : options.source.modelFile.getFileName().toString().replaceFirst("\\.gguf$", "");
        }
    }

    static ModelStartup open(Request r, PrintWriter err) throws Exception {
        if (r.context() < 0) {
            throw new UserException(ExitCode.USAGE, "--context must not be negative, not " + r.context());
        }
        ModelSpec named = r.source().hasFile() ? null : r.registry().registry().get(requireModel(r));
        Optional<Path> local = r.source().hasFile() ? Optional.of(r.source().resolve(null))
                : r.source().findLocal(r.model());
        if (!r.cluster().looksForPeers()) {
            // Without --model-file the model is named, so its layer count is known to fetch it.
            Path path = local.isPresent() ? local.get() : fetchSlice(r, Shard.whole(r.modelId(), named.layers()), err);
            return alone(r, path);
        }
        ModelShape shape = named != null ? named.shape()
                : ModelConfig.from(GgufFile.readHeader(local.orElseThrow()).metadata()).shape();
        LogSetup.quiet();
        ExoHome home = ExoHome.fromEnvironment(System.getenv());
        ClusterRuntime cluster = r.ring().startCluster(
                r.cluster().toConfig(0, null, r.engine().threads(), r.engine().kind, r.engine().gpu, home), home,
                line -> status(err, line));
        try {
            // The tail fetches only its own slice when the model is not on this machine.
            RingModel model = new RingModel(r.modelId(), shape,
                    shard -> local.isPresent() ? local.get() : fetchSlice(r, shard, err),
                    path -> published(r, named, path));
            ClusterRuntime.TailRing ring = cluster.ring(model, RingSettings.of(r.context(), r.ring().wireDtype));
            ResilientRing engine = ring.engine();
            // Between turns, machines that joined (or came back) are taken in: never mid-answer.
            ClusterView view = new ClusterView(() -> cluster.describe(engine.current()), cluster::describePeers,
                    () -> engine.replanIfChanged(cluster.liveIds()));
            return new ModelStartup(engine, ring.file(), ring.metadata(), view, cluster, null, null);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** The whole model on this machine, at once. */
    private static ModelStartup alone(Request r, Path path) throws IOException {
        GgufMetadata metadata = GgufFile.readHeader(path).metadata();
        WorkerPool pool = new WorkerPool(r.engine().threads());
        try {
            EngineOption.Opened opened = r.engine().openWhole(path, r.engine().threads(), pool, r.context());
            return new ModelStartup(opened.engine(), path, metadata,
                    ClusterView.alone(r.modelId(), opened.engine().shard().layers()), null, pool, opened.engines());
        } catch (RuntimeException | IOException e) {
            pool.close();
            throw e;
        }
    }

    InferenceEngine engine() {
        return engine;
    }

    /** This machine's GGUF of the model: the whole file, or the slice it fetched. */
    Path file() {
        return file;
    }

    GgufMetadata metadata() {
        return metadata;
    }

    Tokenizer tokenizer() {
        return tokenizer;
    }

    ClusterView view() {
        return view;
    }

    /** Says which engine computes on this machine alone, and on what (a ring's line already said it per node). */
    void sayEngine(PrintWriter err) {
        if (localEngines != null) {
            new EngineOption.Opened(engine, localEngines).announce(exo.engine.select.EngineKind.AUTO, err);
        }
    }

    /**
     * Under {@code --engine auto} on this machine alone, says which engine was picked and why; called
     * once the model has answered, so that a refused file or prompt is still reported in one line.
     */
    void announceEngine(exo.engine.select.EngineKind asked, PrintWriter err) {
        if (localEngines != null) {
            new EngineOption.Opened(engine, localEngines).announce(asked, err);
        }
    }

    /** Whether the model runs through a ring of machines (else on this machine alone). */
    boolean isRing() {
        return cluster != null;
    }

    /** Between turns or requests: a ring takes in machines that joined or came back. */
    void beforeTurn() {
        view.beforeTurn().run();
    }

    /** The ring's machines in order with their layers and engines, head first; this machine alone otherwise. */
    List<ServedModel.RingNode> ring() {
        if (!(engine instanceof ResilientRing resilient)) {
            return List.of(new ServedModel.RingNode("this machine", 0, engine.shard().layers(), localEngine,
                    localMemory));
        }
        return resilient.current().ring().stream().map(e -> new ServedModel.RingNode(cluster.nameOf(e.nodeId()),
                e.start(), e.end(), cluster.engineOf(e.nodeId()), cluster.memoryOf(e.nodeId()))).toList();
    }

    /** The ring as one line for stderr: "node-a [layers 0-9] -> this machine [layers 10-15]". */
    String ringLine() {
        return String.join(" -> ", ring().stream().map(n -> n.name() + " [layers " + n.start() + "-" + (n.end() - 1)
                + "]").toList());
    }

    @Override
    public void close() {
        engine.close();
        if (cluster != null) {
            cluster.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    private static ModelRef published(Request r, ModelSpec named, Path path) {
        try {
            return r.source().ringModel(named, r.modelId(), path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String requireModel(Request r) {
        if (r.model() == null) {
            throw new UserException(ExitCode.USAGE, "name a model (see exo models) or give --model-file PATH.gguf");
        }
        return r.model();
    }

    /** Fetches {@code shard}'s tensors of the named model into a shard file, showing progress. */
    private static Path fetchSlice(Request r, Shard shard, PrintWriter err) throws IOException {
        QuantFile q = r.registry().registry().get(requireModel(r)).quant(r.source().quant);
        status(err, "fetching layers " + shard.start() + "-" + (shard.end() - 1) + " of " + r.model() + " ("
                + q.repo() + "/" + q.file() + ")");
        ModelRef ref = new ModelRef(r.model(), q.file(), Optional.of(q.repo()), q.quant(), q.size());
        return SliceSource.fromEnvironment(null, System.getenv()).slice(ref, shard, ProgressListener.console(err));
    }

    private static void status(PrintWriter err, String line) {
        err.println("exo: " + line);
        err.flush();
    }
}
