package exo.node.ring;

import exo.peer.HopTrace;
import java.util.Arrays;
import java.util.List;

/**
 * Where a ring's time goes, added up over every forward the tail sends round: the round trips,
 * each node's compute and queueing (from the trace the forward gathers on its way), the tail's
 * own compute, and the bytes of ids and hidden states put on the wire. Round trip minus the
 * nodes' time is what the hops took: serialization, the network and the event loops.
 */
public final class RingStats {
    private final int nodes;
    private long forwards;
    private long tokens;
    private long roundTripNanos;
    private long hops;
    private long wireBytes;
    private final long[] queueNanos;
    private final long[] computeNanos;
    /** The tail's forwards running now, and since when at least one has: its busy time is their union. */
    private int tailRunning;
    private long tailBusySince;

    /** @param nodes the ring's size, the tail included (it is the last) */
    RingStats(int nodes) {
        this.nodes = nodes;
        this.queueNanos = new long[nodes];
        this.computeNanos = new long[nodes];
    }

    /**
     * One forward's trip round the ring: {@code trace} is what the nodes before the tail
     * reported, in ring order; {@code roundTrip} runs from sending the ids to the head to the
     * hidden state's arrival at the tail.
     */
    synchronized void add(int tokenCount, long roundTrip, List<HopTrace> trace, long bytes, int hopCount) {
        forwards++;
        tokens += tokenCount;
        roundTripNanos += roundTrip;
        hops += hopCount;
        wireBytes += bytes;
        for (int i = 0; i < Math.min(trace.size(), nodes - 1); i++) {
            queueNanos[i] += trace.get(i).queueNanos();
            computeNanos[i] += trace.get(i).computeNanos();
        }
    }

    /** The tail starts running its layers on one forward (several sessions may at once). */
    synchronized void tailStarted(long now) {
        if (tailRunning++ == 0) {
            tailBusySince = now;
        }
    }

    /**
     * The tail finished a forward it started at {@code started}. Its compute is the time any
     * forward ran; what forwards ran on top of each other (waiting for the engine, which runs
     * one at a time, or for cores) counts as the tail's queue, as it does on the other nodes.
     */
    synchronized void tailFinished(long started, long now) {
        int tail = nodes - 1;
        queueNanos[tail] += now - started;
        if (--tailRunning == 0) {
            computeNanos[tail] += now - tailBusySince;
            queueNanos[tail] -= now - tailBusySince;
        }
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(forwards, tokens, roundTripNanos, hops, wireBytes, queueNanos.clone(), computeNanos.clone());
    }

    /**
     * Totals at one moment; {@link #minus} gives what happened between two of them.
     *
     * @param queueNanos   per ring position (head first, tail last), time forwards waited for the node's compute thread
     * @param computeNanos per ring position, time the node ran its layers
     */
    public record Snapshot(long forwards, long tokens, long roundTripNanos, long hops, long wireBytes,
                           long[] queueNanos, long[] computeNanos) {

        public Snapshot minus(Snapshot earlier) {
            long[] q = queueNanos.clone();
            long[] c = computeNanos.clone();
            for (int i = 0; i < q.length; i++) {
                q[i] -= earlier.queueNanos[i];
                c[i] -= earlier.computeNanos[i];
            }
            return new Snapshot(forwards - earlier.forwards, tokens - earlier.tokens,
                    roundTripNanos - earlier.roundTripNanos, hops - earlier.hops, wireBytes - earlier.wireBytes, q, c);
        }

        /** Mean time of one hop in milliseconds: round trips less the nodes' own time, over the hops taken. */
        public double hopMillis() {
            long nodeTime = 0;
            for (int i = 0; i < queueNanos.length - 1; i++) {
                nodeTime += queueNanos[i] + computeNanos[i];
            }
            return hops == 0 ? 0 : Math.max(0, roundTripNanos - nodeTime) / 1e6 / hops;
        }

        /** Bytes of token ids and hidden states sent, over all hops, per token processed. */
        public double wireBytesPerToken() {
            return tokens == 0 ? 0 : (double) wireBytes / tokens;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Snapshot s && forwards == s.forwards && tokens == s.tokens
                    && roundTripNanos == s.roundTripNanos && hops == s.hops && wireBytes == s.wireBytes
                    && Arrays.equals(queueNanos, s.queueNanos) && Arrays.equals(computeNanos, s.computeNanos);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(computeNanos) * 31 + Long.hashCode(roundTripNanos);
        }

        @Override
        public String toString() {
            return "RingStats[" + forwards + " forwards, " + tokens + " tokens, compute " + Arrays.toString(computeNanos)
                    + " ns, queue " + Arrays.toString(queueNanos) + " ns, round trips " + roundTripNanos + " ns]";
        }
    }
}
