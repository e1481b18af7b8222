package exo.cli;

import exo.download.ProgressListener;
import exo.engine.InferenceEngine;
import exo.engine.model.ModelConfig;
import exo.engine.java.tensor.WorkerPool;
import exo.gguf.GgufFile;
import exo.gguf.GgufMetadata;
import exo.models.ModelSpec;
import exo.models.QuantFile;
import exo.node.ExoHome;
import exo.node.Node;
import exo.node.NodeConfig;
import exo.node.SliceSource;
import exo.node.ring.RingBuilder;
import exo.node.ring.ResilientRing;
import exo.node.ring.RingForming;
import exo.node.ring.RingEngine;
import exo.peer.ModelRef;
import exo.peer.RingEntry;
import exo.repl.ClusterView;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import exo.topology.ModelShape;
import exo.topology.Shard;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Opens the model a chat or a server talks to: on this machine alone, or, with peers, as the
 * tail of a ring over them (planned by memory; a node that cannot load its slice is left out
 * and the ring planned again). Where the model is not on this machine, only this machine's
 * slice is fetched. What it opened is closed with it.
 */
final class ModelStartup implements AutoCloseable {
    private final InferenceEngine engine;
    private final GgufMetadata metadata;
    private final Tokenizer tokenizer;
    private final ClusterView view;
    private final Node node;
    private final WorkerPool pool;
    private final Path file;
    /** The engine computing on this machine alone ("ggml/CPU"); empty for a ring, whose nodes say theirs. */
    private String localEngine = "";

    private ModelStartup(InferenceEngine engine, Path file, GgufMetadata metadata, ClusterView view, Node node,
                         WorkerPool pool) {
        this.engine = engine;
        this.file = file;
        this.metadata = metadata;
        this.tokenizer = Tokenizers.fromMetadata(metadata);
        this.view = view;
        this.node = node;
        this.pool = pool;
    }

    /** What a command says about the model and how to reach peers. */
    record Request(ModelSource source, RegistryOption registry, String model, int threads, EngineOption engine,
                   ClusterOptions cluster, int context, RingOptions ring) {

        /** The id the ring's nodes know the model by: the models.yaml id, or the file's name without .gguf. */
        String modelId() {
            return model != null ? model : source.modelFile.getFileName().toString().replaceFirst("\\.gguf$", "");
        }
    }

    static ModelStartup open(Request r, PrintWriter err) throws Exception {
        if (r.context() < 0) {
            throw new IllegalArgumentException("--context must be positive");
        }
        ExoHome home = ExoHome.fromEnvironment(System.getenv());
        ModelSpec named = r.source().hasFile() ? null : r.registry().registry().get(requireModel(r));
        Optional<Path> local = r.source().hasFile() ? Optional.of(r.source().resolve(null, r.registry()))
                : r.source().findLocal(r.model(), r.registry());
        if (!r.cluster().looksForPeers()) {
            // Without --model-file the model is named, so its layer count is known to fetch it.
            Path path = local.isPresent() ? local.get() : fetchSlice(r, Shard.whole(r.modelId(), named.layers()), err);
            GgufMetadata metadata = GgufFile.readHeader(path).metadata();
            WorkerPool pool = new WorkerPool(r.threads());
            try {
                EngineOption.Opened opened = r.engine().openWhole(path, r.threads(), pool, r.context());
                ModelStartup started = new ModelStartup(opened.engine(), path, metadata,
                        ClusterView.alone(r.modelId(), opened.engine().shard().layers()), null, pool);
                started.localEngine = opened.engines().label();
                return started;
            } catch (RuntimeException | IOException e) {
                pool.close();
                throw e;
            }
        }
        GgufMetadata localMetadata = local.isPresent() ? GgufFile.readHeader(local.get()).metadata() : null;
        ModelShape shape = named != null ? named.shape() : ModelConfig.from(localMetadata).shape();
        LogSetup.quiet();
        NodeConfig config = r.cluster().toConfig(0, null, r.threads(), r.engine().kind, r.engine().gpu, home);
        Node node = Node.start(config, home);
        try {
            // Nothing silent: each peer named that did not answer is said with why, and so is running alone.
            // Nothing silent while listening: one line before, and what was found after.
            err.println("exo: " + RingOptions.lookingLine(r.cluster().discovery != exo.discovery.DiscoveryMode.STATIC,
                    r.ring().waitMillis, r.ring().waitForPeers));
            err.flush();
            for (String unanswered : node.awaitPeers(r.ring().waitMillis, r.ring().waitForPeers)) {
                err.println("exo: peer " + unanswered + "; planning without it");
            }
            if (!node.network().peers().isEmpty()) {
                err.println("exo: found " + node.network().peers().size() + " node"
                        + (node.network().peers().size() == 1 ? "" : "s") + ": " + String.join(", ",
                        node.network().peers().stream().map(p -> p.info().id()).sorted().toList()));
            }
            if (node.network().peers().isEmpty()) {
                if (r.ring().requirePeers) {
                    throw new UserException(ExitCode.FAILURE, "no peer answered within " + r.ring().waitMillis
                            + " ms, and --require-peers forbids running on this machine alone");
                }
                err.println("exo: no peer answered; running on this machine alone");
            }
            err.flush();
            RingBuilder builder = new RingBuilder(node, line -> {
                err.println("exo: " + line);
                err.flush();
            });
            Consumer<String> status = line -> {
                err.println("exo: " + line);
                err.flush();
            };
            // The tail fetches only its own slice when the model is not on this machine.
            RingForming forming = new RingForming(builder, r.modelId(), shape,
                    shard -> local.isPresent() ? local.get() : fetchSlice(r, shard, err),
                    path -> ringModel(r, named, path), r.context(), r.ring().wireDtype, status);
            RingForming.Formed first = forming.form(Set.of());
            // A node lost later is left out of a new ring, into which each session is replayed.
            ResilientRing ring = new ResilientRing(first.ring(), lost -> forming.form(lost).ring(), status);
            // Between turns, machines that joined (or came back) are taken in: never mid-answer.
            ClusterView view = new ClusterView(() -> describe(builder, ring.current()), () -> peers(node),
                    () -> ring.replanIfChanged(liveIds(node)));
            return new ModelStartup(ring, first.path(), first.metadata(), view, node, null);
        } catch (Exception e) {
            node.close();
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

    /** Between turns or requests: a ring takes in machines that joined or came back. */
    void beforeTurn() {
        view.beforeTurn().run();
    }

    /** The ring's nodes in order with their layers and engines, head first; this machine alone otherwise. */
    java.util.List<exo.serve.ServedModel.RingNode> ring() {
        if (!(engine instanceof ResilientRing resilient)) {
            return java.util.List.of(new exo.serve.ServedModel.RingNode("this machine", 0, engine.shard().layers(),
                    localEngine));
        }
        return resilient.current().ring().stream().map(e -> new exo.serve.ServedModel.RingNode(name(e.nodeId()),
                e.start(), e.end(),
                engineOf(e.nodeId()))).toList();
    }

    private String name(String nodeId) {
        if (node == null || nodeId.equals(node.info().id())) {
            return "this machine";
        }
        return node.network().peer(nodeId).map(p -> p.info().name()).orElse(nodeId);
    }

    private String engineOf(String nodeId) {
        if (node == null || nodeId.equals(node.info().id())) {
            return node == null ? "" : node.info().device().engine();
        }
        return node.network().peer(nodeId).map(p -> p.info().device().engine()).orElse("");
    }

    @Override
    public void close() {
        engine.close();
        if (node != null) {
            node.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    private static ModelRef ringModel(Request r, ModelSpec named, Path path) {
        try {
            return r.source().ringModel(named, r.modelId(), path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String requireModel(Request r) {
        if (r.model() == null) {
            throw new IllegalArgumentException("name a model (see exo models) or give --model-file PATH.gguf");
        }
        return r.model();
    }

    /** Fetches {@code shard}'s tensors of the named model into a shard file, showing progress. */
    private static Path fetchSlice(Request r, Shard shard, PrintWriter err) throws IOException {
        QuantFile q = r.registry().registry().get(requireModel(r)).quant(r.source().quant);
        err.println("exo: fetching layers " + shard.start() + "-" + (shard.end() - 1) + " of " + r.model() + " ("
                + q.repo() + "/" + q.file() + ")");
        err.flush();
        ModelRef ref = new ModelRef(r.model(), q.file(), Optional.of(q.repo()), q.quant(), q.size());
        return SliceSource.fromEnvironment(null, System.getenv()).slice(ref, shard, ProgressListener.console(err));
    }

    private static String describe(RingBuilder builder, RingEngine ring) {
        StringBuilder b = new StringBuilder();
        for (RingEntry e : ring.ring()) {
            b.append(String.format(java.util.Locale.ROOT, "  layers %d-%d  %s%n", e.start(), e.end() - 1,
                    builder.describe(e.nodeId())));
        }
        b.append("  ring: ").append(String.join(" -> ", ring.ring().stream().map(RingEntry::nodeId).toList()))
                .append(" -> ").append(ring.ring().getFirst().nodeId());
        return b.toString();
    }

    private static Set<String> liveIds(Node node) {
        Set<String> ids = new HashSet<>();
        node.network().peers().forEach(p -> ids.add(p.info().id()));
        return ids;
    }

    private static String peers(Node node) {
        var peers = node.network().peers();
        if (peers.isEmpty()) {
            return "no peers connected";
        }
        StringBuilder b = new StringBuilder();
        for (var p : peers) {
            var i = p.info();
            b.append(String.format(java.util.Locale.ROOT, "  %s  %s  %s  %s memory, %d cores%n", i.id(), i.name(),
                    i.address(), ByteSize.format(i.device().memoryBytes()), i.device().cores()));
        }
        return b.toString().stripTrailing();
    }
}
