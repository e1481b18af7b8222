package exo.node.ring;

import exo.gguf.GgufMetadata;
import exo.node.ExoHome;
import exo.node.Node;
import exo.node.NodeConfig;
import exo.peer.Peer;
import exo.peer.RingEntry;
import exo.topology.Partition;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One cluster run, the way every command that computes with peers makes it: this machine's node
 * started, the peers found (one line before the wait, one after), and rings formed over them for
 * a model: planned by memory with this machine as the tail, a node that cannot load its slice left
 * out and the ring planned again, the ring re-formed when a node is lost (mid-answer) or joins
 * (between turns). {@code exo chat}, {@code exo serve}, {@code exo run}, {@code exo bench} and the
 * integration tests use it; nothing else forms a ring.
 *
 * <p>Closing it closes the rings it formed and the node.
 */
public final class ClusterRuntime implements AutoCloseable {
    /**
     * How long to listen for peers before planning.
     *
     * @param millis        the longest wait
     * @param expectedPeers stop as soon as this many answered (0: the whole wait, since nothing
     *                      tells how many nodes a LAN holds)
     * @param requirePeers  fail rather than run on this machine alone when none answered
     */
    public record PeerWait(long millis, int expectedPeers, boolean requirePeers) {
        public PeerWait {
            if (millis < 0 || expectedPeers < 0) {
                throw new IllegalArgumentException("the wait and the expected peers must not be negative");
            }
        }
    }

    private final Node node;
    private final boolean onTheLan;
    private final Consumer<String> status;
    private final List<AutoCloseable> rings = new ArrayList<>();

    private ClusterRuntime(Node node, boolean onTheLan, Consumer<String> status) {
        this.node = node;
        this.onTheLan = onTheLan;
        this.status = status;
    }

    /**
     * Starts this machine's node and waits for peers as {@code wait} says, telling {@code status}
     * what it waits for and what answered.
     *
     * @throws NoPeersException when {@code wait.requirePeers()} and no peer answered
     */
    public static ClusterRuntime start(NodeConfig config, ExoHome home, PeerWait wait, Consumer<String> status)
            throws IOException, InterruptedException {
        boolean lan = config.discovery() != exo.discovery.DiscoveryMode.STATIC;
        Node node = Node.start(config, home);
        ClusterRuntime runtime = new ClusterRuntime(node, lan, status);
        try {
            runtime.awaitPeers(wait);
            return runtime;
        } catch (RuntimeException | InterruptedException e) {
            node.close();
            throw e;
        }
    }

    private void awaitPeers(PeerWait wait) throws InterruptedException {
        status.accept(lookingLine(onTheLan, wait.millis(), wait.expectedPeers()));
        // Nothing silent: each peer named that did not answer is said with why.
        for (String unanswered : node.awaitPeers(wait.millis(), wait.expectedPeers())) {
            status.accept("peer " + unanswered + "; planning without it");
        }
        List<String> found = node.network().peers().stream().map(p -> nameOf(p.info().id())).sorted().toList();
        if (found.isEmpty()) {
            if (wait.requirePeers()) {
                throw new NoPeersException("no peer answered within " + wait.millis()
                        + " ms, and peers are required (not running on this machine alone)");
            }
            status.accept("no peer answered; running on this machine alone");
        } else {
            status.accept("found " + found.size() + " node" + (found.size() == 1 ? "" : "s") + ": "
                    + String.join(", ", found));
        }
    }

    /** The one line said before listening for nodes, so the wait is never silent. */
    public static String lookingLine(boolean onTheLan, long waitMillis, int expectedPeers) {
        return "looking for exo nodes" + (onTheLan ? " on the LAN" : "") + " (up to " + Math.round(waitMillis / 1000.0)
                + " s" + (expectedPeers > 0 ? ", or until " + expectedPeers + " answer" : "") + ")...";
    }

    /** This machine's node. */
    public Node node() {
        return node;
    }

    /** Machines in the cluster now: this one and every peer connected. */
    public int machines() {
        return 1 + node.network().peers().size();
    }

    /**
     * A ring over every live machine for {@code model}, re-formed without a node that is lost
     * and with machines that join (between turns, see {@link ResilientRing#replanIfChanged}).
     */
    public TailRing ring(RingModel model, RingSettings settings) throws IOException {
        RingForming.Formed first = forming(model, settings, status).form(Set.of());
        status.accept("ring: " + ringLine(first.ring()));
        // A ring formed again after a loss says one line of its own (ResilientRing); the loading
        // of each slice again is routine then, and only what did not go as planned is said.
        RingForming again = forming(model, settings, line -> { });
        ResilientRing ring = new ResilientRing(first.ring(), lost -> again.form(lost).ring(), this::batchExact,
                this::nameOf, status);
        rings.add(ring);
        return new TailRing(ring, first.path(), first.metadata());
    }

    /**
     * A ring as its tail holds it: the engine a generator drives, and this machine's file of the
     * model (the whole file, or the slice it fetched) with its metadata (tokenizer, template).
     */
    public record TailRing(ResilientRing engine, Path file, GgufMetadata metadata) {
    }

    /**
     * A ring of the first {@code machines} machines of the whole plan (this machine among them,
     * as the tail), planned again over those alone: what adding each machine gives (exo bench
     * --nodes). Not re-formed when a node is lost.
     *
     * @throws RingException when the plan holds the model on fewer machines (the others are left
     *                       out for memory)
     */
    public RingEngine ringOf(RingModel model, RingSettings settings, int machines) throws IOException {
        if (machines < 1 || machines > machines()) {
            throw new IllegalArgumentException("a ring of " + machines + " machines out of " + machines());
        }
        RingForming forming = forming(model, settings, status);
        RingBuilder builder = forming.builder();
        List<String> planned = builder.plan(model.id(), model.shape()).ring().stream()
                .map(a -> a.device().name()).toList();
        List<String> first = planned.subList(0, Math.min(machines - 1, planned.size() - 1));
        Set<String> without = new HashSet<>();
        for (Peer p : node.network().peers()) {
            if (!first.contains(p.info().id())) {
                without.add(p.info().id());
            }
        }
        Partition plan = builder.plan(model.id(), model.shape(), without);
        if (plan.ring().size() != machines) {
            throw new RingException("the plan holds " + model.id() + " on " + plan.ring().size()
                    + " machines only (the others are left out for memory), not " + machines);
        }
        RingEngine ring = forming.form(without).ring();
        status.accept("ring: " + ringLine(ring));
        rings.add(ring);
        return ring;
    }

    /** Forms rings for {@code model}, routine lines to {@code progress}, the unexpected to the status line. */
    private RingForming forming(RingModel model, RingSettings settings, Consumer<String> progress) {
        RingBuilder builder = new RingBuilder(node, this::nameOf, progress, status);
        return new RingForming(builder, model, settings, progress, status);
    }

    /**
     * A node's name for the person: "this machine" for this one, else the name it gave, with its id
     * where another node of the cluster has the same name.
     */
    public String nameOf(String nodeId) {
        if (nodeId.equals(node.info().id())) {
            return "this machine";
        }
        Map<String, Integer> names = new HashMap<>();
        names.merge(node.info().name(), 1, Integer::sum);
        node.network().peers().forEach(p -> names.merge(p.info().name(), 1, Integer::sum));
        return node.network().peer(nodeId).map(p -> names.getOrDefault(p.info().name(), 0) > 1
                ? p.info().name() + " (" + nodeId + ")" : p.info().name()).orElse(nodeId);
    }

    /** The engine a node computes with, as it advertised it: "ggml/CPU", "ggml/Metal", "java"; "?" if unknown. */
    public String engineOf(String nodeId) {
        String label = nodeId.equals(node.info().id()) ? node.info().device().engine()
                : node.network().peer(nodeId).map(p -> p.info().device().engine()).orElse("");
        return label.isEmpty() ? "?" : label;
    }

    /**
     * Whether every node of {@code ring} computes with the Java engine, the one whose batches of
     * positions have the bits of those positions run one at a time (see ResilientRing).
     */
    boolean batchExact(RingEngine ring) {
        return ring.ring().stream().allMatch(e -> engineOf(e.nodeId()).equals(exo.engine.select.EngineKind.JAVA.label()));
    }

    /** The memory a node offered the ring (what it advertised when it joined); 0 if it is gone. */
    public long memoryOf(String nodeId) {
        return nodeId.equals(node.info().id()) ? node.info().device().memoryBytes()
                : node.network().peer(nodeId).map(p -> p.info().device().memoryBytes()).orElse(0L);
    }

    /** "node-a [layers 0-9, ggml/CPU] -> this machine [layers 10-15, ggml/CPU]": who computes what, head first. */
    public String ringLine(RingEngine ring) {
        return String.join(" -> ", ring.ring().stream().map(e -> nameOf(e.nodeId()) + " [layers " + e.start() + "-"
                + (e.end() - 1) + ", " + engineOf(e.nodeId()) + "]").toList());
    }

    /** The ring's machines head first, one line each (layers, name, address), and the cycle. */
    public String describe(RingEngine ring) {
        StringBuilder b = new StringBuilder();
        for (RingEntry e : ring.ring()) {
            String address = e.nodeId().equals(node.info().id()) ? ""
                    : node.network().peer(e.nodeId()).map(p -> "  " + p.info().address()).orElse("");
            b.append(String.format(Locale.ROOT, "  layers %d-%d  %s  %s%s%n", e.start(), e.end() - 1,
                    nameOf(e.nodeId()), engineOf(e.nodeId()), address));
        }
        b.append("  ring: ").append(String.join(" -> ", ring.ring().stream().map(e -> nameOf(e.nodeId())).toList()))
                .append(" -> ").append(nameOf(ring.ring().getFirst().nodeId()));
        return b.toString();
    }

    /** The peers connected now, one line each; "no peers connected" when none. */
    public String describePeers() {
        var peers = node.network().peers();
        if (peers.isEmpty()) {
            return "no peers connected";
        }
        StringBuilder b = new StringBuilder();
        for (Peer p : peers) {
            var i = p.info();
            b.append(String.format(Locale.ROOT, "  %s  %s  %s  %.1f GiB memory, %d cores%n", nameOf(i.id()),
                    i.address(), engineOf(i.id()), i.device().memoryBytes() / (double) (1L << 30), i.device().cores()));
        }
        return b.toString().stripTrailing();
    }

    /** The ids of the peers connected now (what a ring re-plans over between turns). */
    public Set<String> liveIds() {
        Set<String> ids = new HashSet<>();
        node.network().peers().forEach(p -> ids.add(p.info().id()));
        return ids;
    }

    @Override
    public void close() {
        for (AutoCloseable r : rings.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                // Closing a ring releases sessions on nodes that may be gone; the node closes next anyway.
            }
        }
        node.close();
    }
}
