package exo.node.ring;

import exo.engine.Activations;
import exo.engine.InferenceEngine;
import exo.peer.Payload;
import exo.peer.Peer;
import exo.peer.PeerMessage;
import exo.peer.PeerNetwork;
import exo.peer.RingEntry;
import exo.peer.WireDtype;
import exo.topology.Shard;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The whole model as the tail sees it: a ring of nodes ending in this machine. A forward
 * sends the tokens to the head, waits for the hidden state to come round from the last node
 * before this one, runs the tail's own layers and returns the logits. The plan is pinned per
 * session with a SessionStart to every node the first time the session is used. A lost node
 * or an error from any node fails the waiting forward at once with the node's name, so the
 * person sees why within the heartbeat timeout rather than a hang.
 */
public final class RingEngine implements InferenceEngine {
    private final PeerNetwork network;
    private final String selfId;
    private final String modelId;
    private final List<RingEntry> ring;
    private final int layers;
    private final InferenceEngine local;
    private final WireDtype wireDtype;
    private final long maxWaitMillis;
    /** The most positions one forward carries: its hidden state must fit one frame. */
    private final int maxTokensPerForward;
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    /** Positions each conversation holds after its last forward, and when that was (for `exo ps`). */
    private final Map<String, Activity> activity = new ConcurrentHashMap<>();

    /** A conversation's positions after its last forward, and when that forward ran. */
    private record Activity(int length, long lastMillis) {
    }
    /** Per session in flight, the hidden state awaited for each chunk, by the chunk's first position. */
    private final Map<String, Map<Integer, CompletableFuture<Arrival>>> waiting = new ConcurrentHashMap<>();
    /** Whether a prompt may cross in micro-batches: only where every node's engine keeps its bits so. */
    private final boolean microBatches;
    private final RingStats stats;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** A hidden state that came round, and when it came (for the round trip). */
    private record Arrival(PeerMessage.Forward forward, long nanos) {
    }

    /**
     * @param ring     head first; the last entry is this node, whose layers {@code local} runs
     * @param maxFrameBytes the frame limit of the peer connections: longer prompts cross in chunks
     * @param maxWait  the longest one forward may take before the ring is declared stuck
     * @param microBatches whether a prompt may cross the ring in micro-batches that overlap (see
     *                     {@link PrefillSplit}): only when every node computes on a CPU, where ggml's and
     *                     the Java engine's results do not depend on where a prompt is cut into batches
     *                     of two positions or more
     */
    public RingEngine(PeerNetwork network, String modelId, List<RingEntry> ring, int layers, InferenceEngine local,
                      WireDtype wireDtype, int maxFrameBytes, java.time.Duration maxWait, boolean microBatches) {
        this.microBatches = microBatches;
        this.network = network;
        this.selfId = network.self().id();
        this.modelId = modelId;
        this.ring = List.copyOf(ring);
        this.layers = layers;
        this.local = local;
        this.wireDtype = wireDtype;
        this.maxWaitMillis = maxWait.toMillis();
        this.maxTokensPerForward = tokensPerFrame(maxFrameBytes, local.embeddingLength(), wireDtype);
        this.stats = new RingStats(this.ring.size());
        RingEntry last = this.ring.getLast();
        if (!last.nodeId().equals(selfId) || last.start() != local.shard().start() || last.end() != layers) {
            throw new IllegalArgumentException("the ring must end with this node running the last layers");
        }
    }

    public List<RingEntry> ring() {
        return ring;
    }

    /** Where this ring's time went so far: compute per node, queueing, hops, bytes on the wire. */
    public RingStats.Snapshot stats() {
        return stats.snapshot();
    }

    public boolean owns(String session) {
        return started.contains(session);
    }

    @Override
    public Shard shard() {
        return new Shard(modelId, 0, layers, layers);
    }

    @Override
    public int embeddingLength() {
        return local.embeddingLength();
    }

    @Override
    public int vocabSize() {
        return local.vocabSize();
    }

    @Override
    public int contextLength() {
        return local.contextLength();
    }

    @Override
    public int sessionLength(String session) {
        return local.sessionLength(session);
    }

    @Override
    public Activations forward(String session, int position, Activations input, boolean allLogits) {
        Activations out = forwardRing(session, position, input, allLogits);
        activity.put(session, new Activity(position + input.count(), System.currentTimeMillis()));
        return out;
    }

    /** This tail's conversations, as `exo ps` shows them. */
    public List<exo.peer.SessionStatus> sessions(long nowMillis) {
        List<String> nodes = ring.stream().map(RingEntry::nodeId).toList();
        RingEntry mine = ring.getLast();
        List<exo.peer.SessionStatus> all = new java.util.ArrayList<>();
        activity.forEach((session, a) -> all.add(new exo.peer.SessionStatus(session, modelId, nodes, mine.start(),
                mine.end(), a.length(), Math.max(0, nowMillis - a.lastMillis()))));
        return all;
    }

    /** The layers this tail runs itself, named by the model's id. */
    public Shard tailShard() {
        RingEntry mine = ring.getLast();
        return new Shard(modelId, mine.start(), mine.end(), layers);
    }

    private Activations forwardRing(String session, int position, Activations input, boolean allLogits) {
        if (ring.size() == 1) {
            return local.forward(session, position, input, allLogits);
        }
        if (!(input instanceof Activations.Tokens tokens)) {
            throw new IllegalArgumentException("a ring takes token ids");
        }
        int[] ids = tokens.ids();
        List<PrefillSplit.Chunk> chunks = microBatches
                ? PrefillSplit.microBatches(ids.length, ring.size(), maxTokensPerForward)
                : PrefillSplit.frames(ids.length, maxTokensPerForward);
        return forwardChunks(session, position, ids, chunks, allLogits);
    }

    /**
     * Positions per forward so that a hidden state of {@code dim} values each fits a frame (with
     * room for its header): a multiple of 512, llama.cpp's micro-batch, where the frame allows it.
     */
    static int tokensPerFrame(int maxFrameBytes, int dim, WireDtype dtype) {
        long perToken = (long) dim * dtype.bytesPerValue();
        long fit = Math.max(1, (maxFrameBytes - 4096L) / perToken);
        return (int) Math.min(Integer.MAX_VALUE, fit >= 512 ? fit / 512 * 512 : fit);
    }

    /**
     * Sends every chunk to the head at once and takes their hidden states as they come round, in
     * order: the head computes chunk k+1 while the next node computes chunk k, and this tail runs its
     * own layers on chunk k while the nodes before it work on later ones. Each node runs a session's
     * forwards in the order they arrive, so every chunk meets every KV cache in prompt order.
     */
    private Activations forwardChunks(String session, int position, int[] ids, List<PrefillSplit.Chunk> chunks,
                                      boolean allLogits) {
        start(session);
        Map<Integer, CompletableFuture<Arrival>> pending = new ConcurrentHashMap<>();
        for (PrefillSplit.Chunk c : chunks) {
            pending.put(position + c.from(), new CompletableFuture<>());
        }
        if (waiting.putIfAbsent(session, pending) != null) {
            throw new IllegalStateException("session " + session + " already has a forward in flight");
        }
        try {
            RingEntry head = ring.getFirst();
            Peer first = peer(head);
            long[] sent = new long[chunks.size()];
            int[] idBytes = new int[chunks.size()];
            for (int i = 0; i < chunks.size(); i++) {
                PrefillSplit.Chunk c = chunks.get(i);
                CompletableFuture<Arrival> back = pending.get(position + c.from());
                Payload part = Payload.of(new Activations.Tokens(java.util.Arrays.copyOfRange(ids, c.from(), c.to())),
                        wireDtype);
                idBytes[i] = part.valueBytes();
                sent[i] = System.nanoTime();
                first.send(new PeerMessage.Forward(session, position + c.from(), part)).whenComplete((v, failed) -> {
                    if (failed != null) {
                        back.completeExceptionally(new RingException("sending to the head failed: "
                                + failed.getMessage()));
                    }
                });
            }
            float[] all = allLogits ? new float[ids.length * local.vocabSize()] : null;
            Activations last = null;
            for (int i = 0; i < chunks.size(); i++) {
                PrefillSplit.Chunk c = chunks.get(i);
                CompletableFuture<Arrival> back = pending.get(position + c.from());
                // A ring of short steps answers within the spin window: polling for it spares the wakeup.
                exo.peer.SpinWait.until(back::isDone, exo.peer.SpinWait.WINDOW_NANOS);
                Arrival hidden = back.get(maxWaitMillis, TimeUnit.MILLISECONDS);
                // Every hop after the first carries a hidden state of the same shape as the one that arrived.
                long bytes = idBytes[i] + (long) (ring.size() - 1) * hidden.forward().payload().valueBytes();
                stats.add(c.count(), hidden.nanos() - sent[i], hidden.forward().trace(), bytes, ring.size());
                long computing = System.nanoTime();
                stats.tailStarted(computing);
                try {
                    last = local.forward(session, position + c.from(), hidden.forward().payload().toActivations(),
                            allLogits);
                } finally {
                    stats.tailFinished(computing, System.nanoTime());
                }
                if (allLogits) {
                    float[] rows = ((Activations.Logits) last).data();
                    System.arraycopy(rows, 0, all, c.from() * local.vocabSize(), rows.length);
                }
            }
            return allLogits ? new Activations.Logits(all, ids.length, local.vocabSize()) : last;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new RingException(e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new RingException("no answer from the ring within " + maxWaitMillis / 1000 + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RingException("interrupted while waiting for the ring");
        } finally {
            waiting.remove(session, pending);
        }
    }

    private void start(String session) {
        if (started.add(session)) {
            PeerMessage.SessionStart s = new PeerMessage.SessionStart(session, modelId, ring, layers, wireDtype);
            for (RingEntry e : ring) {
                if (!e.nodeId().equals(selfId)) {
                    peer(e).send(s);
                }
            }
        }
    }

    private Peer peer(RingEntry e) {
        return network.peer(e.nodeId()).orElseThrow(() -> new NodeLost(e.nodeId(), e.nodeId(), "not connected"));
    }

    /** The hidden state of a session came round to the tail. */
    public void deliver(PeerMessage.Forward f) {
        Map<Integer, CompletableFuture<Arrival>> pending = waiting.get(f.sessionId());
        CompletableFuture<Arrival> w = pending == null ? null : pending.get(f.position());
        if (w != null) {
            w.complete(new Arrival(f, System.nanoTime()));
        }
    }

    /** A node reported an error about one of this tail's sessions. */
    public void error(Peer from, PeerMessage.Error e) {
        String what = "node " + from.info().name() + " (" + from.info().id() + "): " + e.message();
        // A node that freed an idle session no longer knows it: the tail can open it again.
        RingException failure = e.code().equals("unknown-session") ? new SessionForgotten(what) : new RingException(what);
        Optional<String> session = e.sessionId();
        waiting.forEach((s, pending) -> {
            if (session.isEmpty() || session.get().equals(s)) {
                pending.values().forEach(w -> w.completeExceptionally(failure));
            }
        });
    }

    /** A node left: if it is in this ring, every waiting forward fails naming it. */
    public void peerLost(String nodeId, String name, String reason) {
        if (ring.stream().anyMatch(e -> e.nodeId().equals(nodeId))) {
            RingException failure = new NodeLost(nodeId, name, reason);
            waiting.values().forEach(pending -> pending.values().forEach(w -> w.completeExceptionally(failure)));
        }
    }

    @Override
    public void release(String session) {
        local.release(session);
        activity.remove(session);
        if (started.remove(session)) {
            for (RingEntry e : ring) {
                if (!e.nodeId().equals(selfId)) {
                    network.peer(e.nodeId()).ifPresent(p -> p.send(new PeerMessage.Release(session)));
                }
            }
        }
    }

    /** Releases every session on every node and closes the tail's own slice; once, however often it is called. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (String s : List.copyOf(started)) {
            release(s);
        }
        local.close();
    }
}
