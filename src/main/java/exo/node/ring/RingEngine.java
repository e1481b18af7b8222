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
    private final Map<String, CompletableFuture<Arrival>> waiting = new ConcurrentHashMap<>();
    private final RingStats stats;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** A hidden state that came round, and when it came (for the round trip). */
    private record Arrival(PeerMessage.Forward forward, long nanos) {
    }

    /**
     * @param ring     head first; the last entry is this node, whose layers {@code local} runs
     * @param maxFrameBytes the frame limit of the peer connections: longer prompts cross in chunks
     * @param maxWait  the longest one forward may take before the ring is declared stuck
     */
    public RingEngine(PeerNetwork network, String modelId, List<RingEntry> ring, int layers, InferenceEngine local,
                      WireDtype wireDtype, int maxFrameBytes, java.time.Duration maxWait) {
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
        if (ids.length <= maxTokensPerForward) {
            return forwardOnce(session, position, tokens, allLogits);
        }
        // A prompt whose hidden state would not fit one frame crosses in chunks, each a multiple of
        // the engines' micro-batch, so every slice computes the batches it would have computed whole.
        List<float[]> rows = new java.util.ArrayList<>();
        Activations last = null;
        for (int from = 0; from < ids.length; from += maxTokensPerForward) {
            int to = Math.min(ids.length, from + maxTokensPerForward);
            last = forwardOnce(session, position + from,
                    new Activations.Tokens(java.util.Arrays.copyOfRange(ids, from, to)), allLogits);
            if (allLogits) {
                rows.add(((Activations.Logits) last).data());
            }
        }
        if (!allLogits) {
            return last;
        }
        int vocab = local.vocabSize();
        float[] all = new float[ids.length * vocab];
        int at = 0;
        for (float[] r : rows) {
            System.arraycopy(r, 0, all, at, r.length);
            at += r.length;
        }
        return new Activations.Logits(all, ids.length, vocab);
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

    private Activations forwardOnce(String session, int position, Activations.Tokens tokens, boolean allLogits) {
        start(session);
        CompletableFuture<Arrival> back = new CompletableFuture<>();
        if (waiting.putIfAbsent(session, back) != null) {
            throw new IllegalStateException("session " + session + " already has a forward in flight");
        }
        try {
            RingEntry head = ring.getFirst();
            Payload ids = Payload.of(tokens, wireDtype);
            long sent = System.nanoTime();
            peer(head).send(new PeerMessage.Forward(session, position, ids)).whenComplete((v, failed) -> {
                if (failed != null) {
                    back.completeExceptionally(new RingException("sending to the head failed: " + failed.getMessage()));
                }
            });
            Arrival hidden = back.get(maxWaitMillis, TimeUnit.MILLISECONDS);
            // Every hop after the first carries a hidden state of the same shape as the one that arrived.
            long bytes = ids.valueBytes() + (long) (ring.size() - 1) * hidden.forward().payload().valueBytes();
            stats.add(tokens.ids().length, hidden.nanos() - sent, hidden.forward().trace(), bytes, ring.size());
            long computing = System.nanoTime();
            stats.tailStarted(computing);
            try {
                return local.forward(session, position, hidden.forward().payload().toActivations(), allLogits);
            } finally {
                stats.tailFinished(computing, System.nanoTime());
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new RingException(e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new RingException("no answer from the ring within " + maxWaitMillis / 1000 + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RingException("interrupted while waiting for the ring");
        } finally {
            waiting.remove(session, back);
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
        CompletableFuture<Arrival> w = waiting.get(f.sessionId());
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
        waiting.forEach((s, w) -> {
            if (session.isEmpty() || session.get().equals(s)) {
                w.completeExceptionally(failure);
            }
        });
    }

    /** A node left: if it is in this ring, every waiting forward fails naming it. */
    public void peerLost(String nodeId, String name, String reason) {
        if (ring.stream().anyMatch(e -> e.nodeId().equals(nodeId))) {
            RingException failure = new NodeLost(nodeId, name, reason);
            waiting.values().forEach(w -> w.completeExceptionally(failure));
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
