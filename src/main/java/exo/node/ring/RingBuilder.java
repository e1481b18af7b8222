package exo.node.ring;

import exo.engine.InferenceEngine;
import exo.peer.ModelRef;
import exo.peer.Peer;
import exo.peer.PeerMessage;
import exo.peer.RingEntry;
import exo.peer.WireDtype;
import exo.topology.Assignment;
import exo.topology.DeviceCapabilities;
import exo.topology.ModelShape;
import exo.topology.Partition;
import exo.topology.RingMemoryWeighted;
import exo.topology.Shard;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Makes this node the tail of a ring over every live peer: plans the memory-weighted split with
 * this machine last, asks each node to load its slice (reporting each node's state as it
 * changes), loads the tail's own slice, and returns the ring as an engine.
 */
public final class RingBuilder {
    private final RingHost node;
    private final java.util.function.Function<String, String> names;
    private final Consumer<String> progress;
    private final Consumer<String> status;

    /**
     * @param names    a node's name for the person, by id
     * @param progress receives the routine lines: each node's loading, bytes and readiness
     * @param status   receives what did not go as planned: a machine left out
     */
    public RingBuilder(RingHost node, java.util.function.Function<String, String> names, Consumer<String> progress,
                       Consumer<String> status) {
        this.node = node;
        this.names = names;
        this.progress = progress;
        this.status = status;
    }

    /** The partition over the live peers and this node (planned by node id, tail = this node). */
    public Partition plan(String modelId, ModelShape shape) {
        return plan(modelId, shape, java.util.Set.of());
    }

    /** As {@link #plan(String, ModelShape)}, leaving out the nodes in {@code without} (say, ones that failed to load). */
    public Partition plan(String modelId, ModelShape shape, java.util.Set<String> without) {
        List<DeviceCapabilities> devices = new ArrayList<>();
        devices.add(asPlanned(node.info().id(), node.info().device()));
        for (Peer p : node.network().peers()) {
            if (!without.contains(p.info().id())) {
                devices.add(asPlanned(p.info().id(), p.info().device()));
            }
        }
        return RingMemoryWeighted.forModel(shape).partition(devices, modelId, shape.layers(), node.info().id());
    }

    private static DeviceCapabilities asPlanned(String id, DeviceCapabilities d) {
        return new DeviceCapabilities(id, d.memoryBytes(), d.cores(), d.flops(), d.engine());
    }

    /** A node's name for the person. */
    public String describe(String nodeId) {
        return names.apply(nodeId);
    }

    /**
     * Loads {@code partition}'s slices and returns the ring. {@code localFile} is this machine's
     * copy of the model; the other nodes find theirs from {@code model}.
     */
    public RingEngine build(Partition partition, ModelRef model, Path localFile, int contextLength, WireDtype wireDtype,
                            Duration loadTimeout, Duration forwardTimeout) throws IOException {
        for (Partition.Exclusion e : partition.excluded()) {
            status.accept(describe(e.device().name()) + ": left out (" + e.reason() + ")");
        }
        // Nodes without the model read their slices from this machine's file (only a whole file of
        // the model's size is served; a slice this machine fetched is not).
        node.offer(model, localFile);
        Map<String, CompletableFuture<Void>> loads = new HashMap<>();
        for (Assignment a : partition.ring()) {
            String id = a.device().name();
            if (id.equals(node.info().id())) {
                continue;
            }
            Peer peer = node.network().peer(id).orElseThrow(() -> new RingException("node " + id + " left before loading"));
            Shard s = a.shard();
            Shard shard = new Shard(model.id(), s.start(), s.end(), s.layers());
            progress.accept(describe(id) + ": loading layers " + range(shard));
            loads.put(id, node.loads().send(peer, requestId ->
                    new PeerMessage.LoadShard(requestId, model, shard, contextLength, wireDtype),
                    p -> progress.accept(describe(id) + ": " + p.bytesDone() + " of " + p.bytesTotal() + " bytes")));
        }
        Assignment mine = partition.tail();
        progress.accept(describe(node.info().id()) + ": loading layers " + range(mine.shard()));
        InferenceEngine local = node.engines().open(localFile, mine.shard().start(), mine.shard().end(), contextLength);
        try {
            long deadline = System.nanoTime() + loadTimeout.toNanos();
            for (var e : loads.entrySet()) {
                try {
                    e.getValue().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    progress.accept(describe(e.getKey()) + ": ready");
                } catch (ExecutionException ex) {
                    throw new LoadFailure(e.getKey(), describe(e.getKey()) + " could not load its slice: "
                            + ex.getCause().getMessage());
                } catch (TimeoutException ex) {
                    throw new LoadFailure(e.getKey(), describe(e.getKey()) + " did not load its slice within "
                            + loadTimeout.toSeconds() + " s");
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new RingException("interrupted while the ring was loading");
                }
            }
            progress.accept(describe(node.info().id()) + ": ready");
            List<RingEntry> entries = partition.ring().stream()
                    .map(a -> new RingEntry(a.device().name(), a.shard().start(), a.shard().end(),
                            address(a.device().name()))).toList();
            RingEngine ring = new RingEngine(node.network(), model.id(), entries, mine.shard().layers(), local, wireDtype,
                    node.maxFrameBytes(),
                    forwardTimeout);
            node.attachTail(ring);
            return ring;
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
    }

    /** Where the node before {@code nodeId} in the ring can dial it. */
    private String address(String nodeId) {
        if (nodeId.equals(node.info().id())) {
            return node.info().address();
        }
        return node.network().peer(nodeId).map(p -> p.info().address()).orElse("");
    }

    /** A node could not load its slice; the ring can be planned again without it. */
    public static final class LoadFailure extends RingException {
        private final String nodeId;

        LoadFailure(String nodeId, String message) {
            super(message);
            this.nodeId = nodeId;
        }

        public String nodeId() {
            return nodeId;
        }
    }

    static String range(Shard s) {
        return s.start() + "-" + (s.end() - 1) + " of " + s.layers();
    }
}
