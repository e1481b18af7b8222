package exo.node;

import exo.engine.Activations;
import exo.engine.InferenceEngine;
import exo.peer.HopTrace;
import exo.peer.Payload;
import exo.peer.Peer;
import exo.peer.PeerMessage;
import exo.peer.RingEntry;
import exo.peer.SessionStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs this node's slice of other nodes' sessions: remembers each session's pinned ring
 * (from SessionStart), runs every Forward through the matching shard on the session's lane,
 * and sends the output to the next node of that ring, with this node's queueing and compute
 * time added to the forward's trace. Errors go to the session's tail, which
 * owns the conversation. Each session's forwards run in arrival order on its lane, different
 * sessions' at once, so while this node works on some sessions its neighbours work on others,
 * and the steps of sessions that arrive together can share one pass over the weights.
 */
public final class SessionRouter {
    private static final System.Logger LOG = System.getLogger("exo.node");

    /** How long the first forward of a session may wait to reach a next node it must dial. */
    static final long DIAL_TIMEOUT_MILLIS = 10_000;
    /**
     * Sessions one node holds at most: each holds a KV cache that grows with it, so the limit
     * bounds this node's memory for other tails' conversations (idle ones are freed too).
     */
    static final int MAX_SESSIONS = 256;
    /** Forwards waiting for a lane at most; a tail has one in flight per session, so only a flood exceeds it. */
    static final int MAX_QUEUED = 1024;

    private final String selfId;
    private final ShardHost shards;
    private final PeerLookup peers;
    private final SessionLanes compute;
    private final Map<String, PeerMessage.SessionStart> sessions = new ConcurrentHashMap<>();
    /** When each session last did anything, for {@link #releaseIdle}. */
    private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();
    /** Positions each session's KV cache holds here, after its last forward (for `exo ps`). */
    private final Map<String, Integer> lengths = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    private final BusyClock busy = new BusyClock();

    SessionRouter(String selfId, ShardHost shards, PeerLookup peers, SessionLanes compute) {
        this.selfId = selfId;
        this.shards = shards;
        this.peers = peers;
        this.compute = compute;
    }

    public void start(Peer from, PeerMessage.SessionStart s) {
        Optional<RingEntry> mine = s.ring().stream().filter(e -> e.nodeId().equals(selfId)).findFirst();
        if (mine.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "session " + s.sessionId() + " does not include this node; ignored");
            return;
        }
        if (!sessions.containsKey(s.sessionId()) && sessions.size() >= MAX_SESSIONS) {
            from.send(new PeerMessage.Error(Optional.of(s.sessionId()), "node-busy", "node " + selfId
                    + " holds " + MAX_SESSIONS + " sessions, its most; try again when some end"));
            return;
        }
        sessions.put(s.sessionId(), s);
        lastUsed.put(s.sessionId(), System.currentTimeMillis());
        LOG.log(System.Logger.Level.INFO, "session " + s.sessionId() + " started: " + s.modelId() + " layers ["
                + mine.get().start() + ", " + mine.get().end() + ") of " + s.layers() + ", ring "
                + String.join(" -> ", s.ring().stream().map(RingEntry::nodeId).toList()));
    }

    public boolean knows(String session) {
        return sessions.containsKey(session);
    }

    public void forward(Peer from, PeerMessage.Forward f) {
        PeerMessage.SessionStart s = sessions.get(f.sessionId());
        if (s == null) {
            from.send(new PeerMessage.Error(Optional.of(f.sessionId()), "unknown-session",
                    "node " + selfId + " has no session " + f.sessionId()));
            return;
        }
        lastUsed.put(f.sessionId(), System.currentTimeMillis());
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            from.send(new PeerMessage.Error(Optional.of(f.sessionId()), "node-busy", "node " + selfId
                    + " has " + MAX_QUEUED + " forwards waiting, its most"));
            return;
        }
        long arrived = System.nanoTime();
        compute.execute(f.sessionId(), () -> {
            queued.decrementAndGet();
            run(s, f, arrived);
        });
    }

    private void run(PeerMessage.SessionStart s, PeerMessage.Forward f, long arrived) {
        String session = s.sessionId();
        if (!sessions.containsKey(session)) {
            return;
        }
        try {
            RingEntry mine = s.ring().stream().filter(e -> e.nodeId().equals(selfId)).findFirst().orElseThrow();
            InferenceEngine engine = shards.engine(s.modelId(), mine.start(), mine.end()).orElseThrow(() ->
                    new IllegalStateException("layers [" + mine.start() + ", " + mine.end() + ") of " + s.modelId()
                            + " are not loaded on " + selfId));
            long started = System.nanoTime();
            busy.enter(started);
            Activations out;
            long computed;
            try {
                out = engine.forward(session, f.position(), f.payload().toActivations());
            } finally {
                computed = busy.exit(System.nanoTime());
            }
            lengths.put(session, f.position() + f.payload().count());
            HopTrace spent = new HopTrace(started - arrived, computed);
            RingEntry next = s.after(selfId).orElseThrow();
            Peer peer = peers.peerOrDial(next.nodeId(), next.address(), DIAL_TIMEOUT_MILLIS);
            // A send that fails (a frame over the limit, a connection gone) reaches the tail at once.
            peer.send(f.next(Payload.of(out, s.wireDtype()), spent)).whenComplete((v, failed) -> {
                if (failed != null) {
                    tail(s).ifPresent(p -> p.send(new PeerMessage.Error(Optional.of(session), "forward-failed",
                            "node " + selfId + " could not send to " + next.nodeId() + ": " + failed.getMessage())));
                }
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "session " + session + " failed on " + selfId + ": " + e.getMessage());
            tail(s).ifPresent(p -> p.send(new PeerMessage.Error(Optional.of(session), "forward-failed",
                    "node " + selfId + ": " + e.getMessage())));
        }
    }

    private Optional<Peer> tail(PeerMessage.SessionStart s) {
        return peers.peer(s.ring().getLast().nodeId());
    }

    public void release(String session, String why) {
        lastUsed.remove(session);
        lengths.remove(session);
        if (sessions.remove(session) != null) {
            shards.release(session);
            LOG.log(System.Logger.Level.INFO, "session " + session + " ended: " + why);
        }
    }

    /** A node of some sessions' rings is gone: those sessions cannot go on, so free them. */
    public void peerLost(String nodeId, String reason) {
        for (PeerMessage.SessionStart s : sessions.values()) {
            if (s.ring().stream().anyMatch(e -> e.nodeId().equals(nodeId))) {
                String id = s.sessionId();
                compute.execute(id, () -> release(id, "node " + nodeId + " lost (" + reason + ")"));
            }
        }
    }

    /**
     * Frees sessions that did nothing since {@code idleMillis} before {@code nowMillis}: a tail
     * that vanished without a release (its machine slept, its network changed) must not hold
     * this node's memory for ever.
     */
    public void releaseIdle(long nowMillis, long idleMillis) {
        lastUsed.forEach((session, last) -> {
            if (nowMillis - last >= idleMillis) {
                compute.execute(session, () -> release(session, "idle for " + (nowMillis - last) / 1000 + " s"));
            }
        });
    }

    /** The sessions this node runs a slice of, as `exo ps` shows them. */
    public List<SessionStatus> sessions(long nowMillis) {
        List<SessionStatus> all = new ArrayList<>();
        for (PeerMessage.SessionStart s : sessions.values()) {
            String id = s.sessionId();
            s.ring().stream().filter(e -> e.nodeId().equals(selfId)).findFirst().ifPresent(mine ->
                    all.add(new SessionStatus(id, s.modelId(), s.ring().stream().map(RingEntry::nodeId).toList(),
                            mine.start(), mine.end(), lengths.getOrDefault(id, 0),
                            Math.max(0, nowMillis - lastUsed.getOrDefault(id, nowMillis)))));
        }
        return all;
    }
}
