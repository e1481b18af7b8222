package exo.node.ring;

import exo.engine.Activations;
import exo.engine.InferenceEngine;
import exo.topology.Shard;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A ring that survives losing nodes. It keeps, per session, every chunk of tokens it forwarded;
 * when a node is lost (its connection closed, its heartbeats stopped, or the ring stopped
 * answering) it plans a new ring over the machines still alive, and replays each session into
 * it chunk by chunk, as the chunks first ran, before going on. Slices compute the same bits
 * however the model is split, so the replayed caches equal the lost ones and the answer goes on
 * with exactly the tokens an undisturbed ring gives. The person sees one status line. A
 * session a node freed after an idle period is replayed the same way into the same ring.
 *
 * <p>Where every engine of the new ring computes a batch of positions with the bits of the same
 * positions one at a time (the Java engine does, for every weight type), the replay runs the
 * session in batches of {@value #REPLAY_BATCH} positions, so that it costs prompt speed rather than
 * one round trip per answered token. ggml's CPU kernels do not: a batch takes other matrix
 * kernels (tiled, for 8-bit and 16-bit weights) and its attention other reduction lengths, and the
 * cache a batch leaves differs in the last bits from one built step by step (ReplayBatchingTest
 * shows both), so a ggml ring replays the steps as they first ran.
 */
public final class ResilientRing implements InferenceEngine {
    /** Plans and loads a ring over the live machines, leaving out {@code lost}. */
    public interface Rebuild {
        RingEngine build(Set<String> lost) throws Exception;
    }

    /** The most positions one forward of a batched replay carries (llama.cpp's micro-batch). */
    static final int REPLAY_BATCH = 512;

    /** Rebuilds one forward may cause before it gives up (each leaves one more node out). */
    private static final int MAX_REBUILDS = 4;

    private final Rebuild rebuild;
    private final java.util.function.Predicate<RingEngine> batchExact;
    private final java.util.function.Function<String, String> names;
    private final Consumer<String> status;
    private final Set<String> lost = new HashSet<>();
    /** The line of the last recovery, said when a session has been replayed (see sayRecovered). */
    private String recovery;
    private double replanSeconds;
    private final Map<String, SessionLog> sessions = new ConcurrentHashMap<>();
    private volatile RingEngine ring;
    private volatile int generation;
    /** The live peers the last plan saw: one that appears beyond them joined (or came back). */
    private Set<String> considered;

    /** What a session forwarded, and under which id its current ring knows it. */
    private static final class SessionLog {
        final List<int[]> chunks = new ArrayList<>();
        final List<Integer> positions = new ArrayList<>();
        String ringSession;
        int ringGeneration;
        int replays;
        int length;

        SessionLog(String id, int generation) {
            this.ringSession = id;
            this.ringGeneration = generation;
        }

        /** Forgets what lies at or after {@code position} (the conversation went another way). */
        void truncate(int position) {
            while (!chunks.isEmpty() && positions.getLast() >= position) {
                length -= chunks.removeLast().length;
                positions.removeLast();
            }
            if (!chunks.isEmpty() && length > position) {
                int[] last = chunks.getLast();
                int keep = last.length - (length - position);
                chunks.set(chunks.size() - 1, java.util.Arrays.copyOf(last, keep));
                length = position;
            }
        }

        void add(int position, int[] ids) {
            chunks.add(ids);
            positions.add(position);
            length = position + ids.length;
        }

        /**
         * The forwards a replay runs: the chunks as they first ran, or, {@code batched}, the same
         * positions cut into batches of at most {@code batch} (when they follow each other from 0).
         */
        List<Chunk> replayed(boolean batched, int batch) {
            List<Chunk> asRun = new ArrayList<>();
            for (int i = 0; i < chunks.size(); i++) {
                asRun.add(new Chunk(positions.get(i), chunks.get(i)));
            }
            if (!batched || !contiguousFromZero()) {
                return asRun;
            }
            int[] all = new int[length];
            for (Chunk c : asRun) {
                System.arraycopy(c.ids(), 0, all, c.position(), c.ids().length);
            }
            List<Chunk> batches = new ArrayList<>();
            for (int from = 0; from < length; from += batch) {
                batches.add(new Chunk(from, java.util.Arrays.copyOfRange(all, from, Math.min(length, from + batch))));
            }
            return batches;
        }

        private boolean contiguousFromZero() {
            int next = 0;
            for (int i = 0; i < chunks.size(); i++) {
                if (positions.get(i) != next) {
                    return false;
                }
                next += chunks.get(i).length;
            }
            return next == length;
        }
    }

    /** Token ids forwarded from {@code position}. */
    record Chunk(int position, int[] ids) {
    }

    /** What the last replay ran: its positions, the forwards they took, and how long. */
    public record Replay(int tokens, int forwards, double seconds) {
    }

    private volatile Replay lastReplay;

    /**
     * @param batchExact whether every engine of a ring computes a batch of positions with the bits
     *                   of those positions one at a time, so that a replay into it may run in batches
     * @param names      a node's name for the person, by id
     */
    public ResilientRing(RingEngine first, Rebuild rebuild, java.util.function.Predicate<RingEngine> batchExact,
                         java.util.function.Function<String, String> names, Consumer<String> status) {
        this.ring = first;
        this.rebuild = rebuild;
        this.batchExact = batchExact;
        this.names = names;
        this.status = status;
    }

    /** The last session replayed into a new ring, or null before any was. */
    public Replay lastReplay() {
        return lastReplay;
    }

    /** The ring in use now. */
    public RingEngine current() {
        return ring;
    }

    @Override
    public Shard shard() {
        return ring.shard();
    }

    @Override
    public int embeddingLength() {
        return ring.embeddingLength();
    }

    @Override
    public int vocabSize() {
        return ring.vocabSize();
    }

    @Override
    public int contextLength() {
        return ring.contextLength();
    }

    /** What the session holds as this ring sees it: a rebuilt ring replays it, so nothing is lost. */
    @Override
    public int sessionLength(String session) {
        SessionLog log = sessions.get(session);
        return log == null ? 0 : log.length;
    }

    @Override
    public Activations forward(String session, int position, Activations input, boolean allLogits) {
        if (!(input instanceof Activations.Tokens tokens)) {
            throw new IllegalArgumentException("a ring takes token ids");
        }
        SessionLog log = sessions.computeIfAbsent(session, s -> new SessionLog(s, generation));
        synchronized (log) {
            log.truncate(position);
            for (int attempt = 0; ; attempt++) {
                int seen = generation;
                RingEngine r = ring;
                try {
                    if (log.ringGeneration != seen) {
                        replay(r, session, log, seen);
                    }
                    Activations out = r.forward(log.ringSession, position, tokens, allLogits);
                    log.add(position, tokens.ids());
                    return out;
                } catch (SessionForgotten e) {
                    if (attempt == MAX_REBUILDS) {
                        throw e;
                    }
                    // Idle too long for a node: open the session again in the same ring and replay it.
                    r.release(log.ringSession);
                    log.ringGeneration = -1;
                } catch (RingException e) {
                    if (attempt == MAX_REBUILDS || !recoverable(e)) {
                        throw e;
                    }
                    recover(seen, e);
                }
            }
        }
    }

    /**
     * Runs the session's positions into {@code r} under a fresh id: in batches where its engines
     * keep the bits that way, else the chunks as they first ran.
     */
    private void replay(RingEngine r, String session, SessionLog log, int seen) {
        long t0 = System.nanoTime();
        String id = session + ".r" + seen + "." + (++log.replays);
        List<Chunk> forwards = log.replayed(batchExact.test(r), REPLAY_BATCH);
        for (Chunk c : forwards) {
            r.forward(id, c.position(), new Activations.Tokens(c.ids()), false);
        }
        log.ringSession = id;
        log.ringGeneration = seen;
        double seconds = (System.nanoTime() - t0) / 1e9;
        lastReplay = new Replay(log.length, forwards.size(), seconds);
        sayRecovered(log.length, seconds);
    }

    /**
     * The one line a recovery shows, once the first session is replayed into the new ring (the
     * one whose forward found the node lost), so that it can say what the recovery cost.
     */
    private synchronized void sayRecovered(int replayed, double replaySeconds) {
        if (recovery != null) {
            status.accept(String.format(Locale.ROOT, "%s (re-planned in %.1f s, replayed %d tokens in %.1f s)",
                    recovery, replanSeconds, replayed, replaySeconds));
            recovery = null;
        }
    }

    private static boolean recoverable(RingException e) {
        return e instanceof NodeLost || e.getMessage().startsWith("no answer from the ring");
    }

    /**
     * Plans a new ring without the lost node, unless another session's thread already did since
     * {@code seen}. A node the ring just stopped answering for is left to the heartbeats, which
     * drop it from the live machines within seconds.
     */
    private synchronized void recover(int seen, RingException e) {
        if (generation != seen) {
            return;
        }
        long t0 = System.nanoTime();
        if (e instanceof NodeLost n) {
            lost.add(n.nodeId());
            if (considered != null) {
                considered.remove(n.nodeId()); // when it comes back, it is new again
            }
        }
        RingEngine old = ring;
        old.close();
        RingEngine fresh;
        try {
            fresh = rebuild.build(Set.copyOf(lost));
        } catch (RingException x) {
            throw x;
        } catch (Exception x) {
            throw new RingException(e.getMessage() + "; no ring could be formed without it: " + x.getMessage());
        }
        ring = fresh;
        generation = seen + 1;
        if (recovery != null) {
            // that recovery's replay never finished: this loss came first
            status.accept(String.format(Locale.ROOT, "%s (re-planned in %.1f s)", recovery, replanSeconds));
        }
        recovery = e.getMessage() + "; continuing on "
                + String.join(" + ", fresh.ring().stream().map(x -> names.apply(x.nodeId())).toList());
        replanSeconds = (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Between turns: when the live machines are no longer the ring's (one joined, or a lost one
     * came back), plans a new ring over all of them; each session is replayed into it on its next
     * forward. Never call it while a forward runs.
     *
     * @param live the ids of the peers connected now
     */
    public synchronized void replanIfChanged(Set<String> live) {
        if (considered == null) {
            // The first turn: the ring was planned over these machines (a node that could not load
            // its slice is among them but not in the ring, and is not tried again every turn).
            considered = new HashSet<>(live);
            return;
        }
        if (considered.containsAll(live)) {
            return;
        }
        long t0 = System.nanoTime();
        RingEngine fresh;
        try {
            // The new ring is made before the old one goes, so a failure leaves the old one serving.
            fresh = rebuild.build(Set.of());
        } catch (RingException e) {
            throw e;
        } catch (Exception e) {
            throw new RingException("re-planning over the machines that joined failed: " + e.getMessage());
        }
        RingEngine old = ring;
        ring = fresh;
        lost.clear();
        considered = new HashSet<>(live);
        generation++;
        old.close();
        status.accept(String.format(Locale.ROOT, "machines joined; the ring is now %s (re-planned in %.1f s)",
                String.join(" + ", fresh.ring().stream().map(x -> names.apply(x.nodeId())).toList()),
                (System.nanoTime() - t0) / 1e9));
    }

    @Override
    public void release(String session) {
        SessionLog log = sessions.remove(session);
        if (log != null) {
            ring.release(log.ringSession);
        }
    }

    @Override
    public void close() {
        ring.close();
    }
}
