package exo.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.node.ring.RingStats;
import org.junit.jupiter.api.Test;

/** What the cluster view says a hop takes: round trips less the nodes' own time before the tail, per hop. */
class ClusterViewTest {
    @Test
    void aHopIsTheRoundTripLessTheNodesTimeBeforeTheTailPerHop() {
        // 10 forwards of 2 hops: 100 ms of round trips, of which the head computed 50 ms and queued 10 ms;
        // the tail's own 30 ms is not in the round trip and is not taken off.
        long ms = 1_000_000;
        var s = new RingStats.Snapshot(10, 10, 100 * ms, 20, 0, new long[] {10 * ms, 0}, new long[] {50 * ms, 30 * ms});
        assertEquals(2.0, ClusterView.hopMillis(s));
        assertEquals(0.0, ClusterView.hopMillis(new RingStats.Snapshot(0, 0, 0, 0, 0, new long[] {0}, new long[] {0})));
    }
}
