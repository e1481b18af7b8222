package exo.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.engine.java.tensor.WorkerPool;
import exo.peer.PeerMessage;
import exo.peer.RingEntry;
import exo.peer.WireDtype;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionRouterTest {
    private static PeerMessage.SessionStart session(String id) {
        return new PeerMessage.SessionStart(id, "m", List.of(new RingEntry("me", 0, 2), new RingEntry("tail", 2, 4)), 4,
                WireDtype.F32);
    }

    @Test
    void idleSessionsAreFreed() throws Exception {
        SessionLanes compute = new SessionLanes("test-compute", 2);
        try (WorkerPool pool = new WorkerPool(1);
             ShardHost shards = new ShardHost(SliceSource.fromEnvironment(null, Map.of()), exo.engine.select.Engines.resolve(exo.engine.select.EngineKind.JAVA, 1, pool))) {
            SessionRouter router = new SessionRouter("me", shards, new PeerLookup(), compute);
            router.start(session("old"));
            router.start(session("new"));
            long now = System.currentTimeMillis();
            router.releaseIdle(now + 60_000, 60_000); // both a minute old by this clock
            router.releaseIdle(now, 60_000);          // neither
            compute.shutdown();
            assertTrue(compute.awaitTermination(5, TimeUnit.SECONDS));
            assertFalse(router.knows("old"));
            assertFalse(router.knows("new"));
        } finally {
            compute.shutdownNow();
        }
    }

    @Test
    void aSessionThatLeavesThisNodeOutIsIgnored() {
        SessionLanes compute = new SessionLanes("test-compute", 2);
        try (WorkerPool pool = new WorkerPool(1);
             ShardHost shards = new ShardHost(SliceSource.fromEnvironment(null, Map.of()), exo.engine.select.Engines.resolve(exo.engine.select.EngineKind.JAVA, 1, pool))) {
            SessionRouter router = new SessionRouter("someone-else", shards, new PeerLookup(), compute);
            router.start(session("s"));
            assertFalse(router.knows("s"));
            SessionRouter mine = new SessionRouter("me", shards, new PeerLookup(), compute);
            mine.start(session("s"));
            assertTrue(mine.knows("s"));
            mine.releaseIdle(System.currentTimeMillis(), 60_000);
            assertTrue(mine.knows("s"), "a fresh session is not idle");
        } finally {
            compute.shutdownNow();
        }
    }
}
