package exo.node.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.peer.HopTrace;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting a ring's round trips into the nodes' compute, their queues and the hops between them. */
class RingStatsTest {
    @Test
    void roundTripLessTheNodesTimeIsSharedOverTheHops() {
        RingStats stats = new RingStats(3);
        // Ids to the head, hidden states head -> middle -> tail: three hops of a 1-token forward.
        stats.add(1, 10_000_000, List.of(new HopTrace(1_000_000, 3_000_000), new HopTrace(0, 2_000_000)), 4 + 2 * 256, 3);
        stats.tailStarted(50_000_000);
        stats.tailFinished(50_000_000, 54_000_000);
        RingStats.Snapshot s = stats.snapshot();
        assertEquals(1, s.forwards());
        assertArrayEquals(new long[] {3_000_000, 2_000_000, 4_000_000}, s.computeNanos());
        assertArrayEquals(new long[] {1_000_000, 0, 0}, s.queueNanos());
        // 10 ms round trip - (1 + 3 + 2) ms at the nodes = 4 ms over 3 hops; the tail's compute is after the round trip
        assertEquals(4.0 / 3, s.hopMillis(), 1e-9);
        assertEquals(516, s.wireBytesPerToken(), 1e-9);
    }

    @Test
    void aSnapshotLessAnEarlierOneIsWhatHappenedBetween() {
        RingStats stats = new RingStats(2);
        stats.add(8, 5_000_000, List.of(new HopTrace(0, 2_000_000)), 8 * 4 + 8 * 64, 2);
        stats.tailStarted(0);
        stats.tailFinished(0, 1_000_000);
        RingStats.Snapshot before = stats.snapshot();
        stats.add(1, 3_000_000, List.of(new HopTrace(500_000, 1_500_000)), 4 + 64, 2);
        stats.add(1, 3_000_000, List.of(new HopTrace(0, 1_000_000)), 4 + 64, 2);
        stats.tailStarted(10_000_000);
        stats.tailFinished(10_000_000, 10_700_000);
        stats.tailStarted(20_000_000);
        stats.tailFinished(20_000_000, 20_300_000);
        RingStats.Snapshot d = stats.snapshot().minus(before);
        assertEquals(2, d.forwards());
        assertEquals(2, d.tokens());
        assertArrayEquals(new long[] {2_500_000, 1_000_000}, d.computeNanos());
        assertArrayEquals(new long[] {500_000, 0}, d.queueNanos());
        assertEquals((6_000_000 - 3_000_000) / 1e6 / 4, d.hopMillis(), 1e-9);
        assertEquals(68, d.wireBytesPerToken(), 1e-9);
    }

    @Test
    void aTraceShorterOrLongerThanTheRingCountsWhatFits() {
        RingStats stats = new RingStats(2);
        stats.add(1, 1_000_000, List.of(), 4, 2);
        stats.add(1, 1_000_000, List.of(new HopTrace(0, 10), new HopTrace(0, 20), new HopTrace(0, 30)), 4, 2);
        assertArrayEquals(new long[] {10, 0}, stats.snapshot().computeNanos());
    }

    /** Two sessions at the tail at once: busy while either runs; the overlap is queueing, not compute. */
    @Test
    void overlappingForwardsAtTheTailCountTheirUnionAsCompute() {
        RingStats stats = new RingStats(2);
        stats.tailStarted(0);          // session 1: 0-10 ms
        stats.tailStarted(4_000_000);  // session 2: 4-16 ms (it waits for session 1, then runs)
        stats.tailFinished(0, 10_000_000);
        stats.tailFinished(4_000_000, 16_000_000);
        RingStats.Snapshot s = stats.snapshot();
        assertEquals(16_000_000, s.computeNanos()[1]);
        assertEquals(10_000_000 + 12_000_000 - 16_000_000, s.queueNanos()[1]);
    }
}
