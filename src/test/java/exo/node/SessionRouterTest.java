package exo.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    /** The Errors a router sends back to the peer a message came from. */
    private static final class Replies {
        final List<PeerMessage.Error> errors = new java.util.concurrent.CopyOnWriteArrayList<>();

        exo.peer.Peer peer() {
            return (exo.peer.Peer) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {exo.peer.Peer.class}, (proxy, method, args) -> {
                        if (method.getName().equals("send") && args[0] instanceof PeerMessage.Error) {
                            errors.add((PeerMessage.Error) args[0]);
                        }
                        return method.getReturnType() == java.util.concurrent.CompletableFuture.class
                                ? java.util.concurrent.CompletableFuture.completedFuture(null) : null;
                    });
        }
    }

    private final Replies replies = new Replies();

    /** A node holds a bounded number of sessions: one more is refused with a reason, the ones held go on. */
    @Test
    void sessionsBeyondTheLimitAreRefused() {
        SessionLanes compute = new SessionLanes("test-compute", 2);
        try (WorkerPool pool = new WorkerPool(1);
             ShardHost shards = new ShardHost(SliceSource.fromEnvironment(null, Map.of()), exo.engine.select.Engines.resolve(exo.engine.select.EngineKind.JAVA, 1, pool))) {
            SessionRouter router = new SessionRouter("me", shards, new PeerLookup(), compute);
            for (int i = 0; i < SessionRouter.MAX_SESSIONS; i++) {
                router.start(replies.peer(), session("s" + i));
            }
            assertTrue(replies.errors.isEmpty());
            router.start(replies.peer(), session("one-too-many"));
            assertFalse(router.knows("one-too-many"));
            assertEquals(1, replies.errors.size());
            assertEquals("node-busy", replies.errors.getFirst().code());
            assertTrue(replies.errors.getFirst().message().contains("holds 256 sessions"), replies.errors.getFirst().message());
            router.start(replies.peer(), session("s0")); // one it holds may start again (a replay)
            assertEquals(1, replies.errors.size());
            router.release("s1", "done");
            router.start(replies.peer(), session("one-too-many"));
            assertTrue(router.knows("one-too-many"), "a freed place is taken");
        } finally {
            compute.shutdownNow();
        }
    }
    /** What `exo ps` hears from a node: each session held, its ring and layers here, how long idle. */
    @Test
    void statusListsTheSessionsHeldWithTheirRingAndIdleTime() {
        SessionLanes compute = new SessionLanes("test-compute", 2);
        try (WorkerPool pool = new WorkerPool(1);
             ShardHost shards = new ShardHost(SliceSource.fromEnvironment(null, Map.of()), exo.engine.select.Engines.resolve(exo.engine.select.EngineKind.JAVA, 1, pool))) {
            SessionRouter router = new SessionRouter("me", shards, new PeerLookup(), compute);
            long before = System.currentTimeMillis();
            router.start(replies.peer(), session("a"));
            router.start(replies.peer(), session("b"));
            router.release("b", "done");
            List<exo.peer.SessionStatus> held = router.sessions(before + 5_000);
            assertEquals(1, held.size());
            exo.peer.SessionStatus a = held.getFirst();
            assertEquals("a", a.sessionId());
            assertEquals("m", a.modelId());
            assertEquals(List.of("me", "tail"), a.ring());
            assertEquals("tail", a.tail());
            assertEquals(0, a.start());
            assertEquals(2, a.end());
            assertEquals(0, a.tokens(), "no forward has run yet");
            assertTrue(a.idleMillis() > 4_000 && a.idleMillis() <= 5_000, "idle " + a.idleMillis());
        } finally {
            compute.shutdownNow();
        }
    }

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
            router.start(replies.peer(), session("old"));
            router.start(replies.peer(), session("new"));
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
            router.start(replies.peer(), session("s"));
            assertFalse(router.knows("s"));
            SessionRouter mine = new SessionRouter("me", shards, new PeerLookup(), compute);
            mine.start(replies.peer(), session("s"));
            assertTrue(mine.knows("s"));
            mine.releaseIdle(System.currentTimeMillis(), 60_000);
            assertTrue(mine.knows("s"), "a fresh session is not idle");
        } finally {
            compute.shutdownNow();
        }
    }
}
