package exo.peer.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import exo.peer.LogCapture;
import exo.peer.NoLeaks;
import exo.peer.Peer;
import exo.peer.PeerMessage.Release;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeaks.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SimultaneousDialTest {
    private static final Duration T = Duration.ofSeconds(5);

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not within " + T);
            }
            Thread.sleep(10);
        }
    }

    @RepeatedTest(5)
    void twoNodesDialingEachOtherAtOnceKeepOneConnectionDialedByTheSmallerId() throws Exception {
        try (Cluster c = new Cluster(); LogCapture log = LogCapture.peer()) {
            var a = c.start("node-a", cfg -> cfg);
            var b = c.start("node-b", cfg -> cfg);
            CompletableFuture<Peer> aDials = a.network().connect("127.0.0.1", b.network().port());
            CompletableFuture<Peer> bDials = b.network().connect("127.0.0.1", a.network().port());
            Peer toB = aDials.get(5, TimeUnit.SECONDS);
            Peer toA = bDials.get(5, TimeUnit.SECONDS);
            await(() -> a.network().openConnections() == 1 && b.network().openConnections() == 1,
                    "one connection left at each end");
            // The dials cross when node-b's starts before node-a's handshake is done: one connection
            // is then retired, and the log says which was kept. On a busy machine node-b's dial may
            // start after that handshake and reuse the connection instead. Either way what is left
            // is checked below: one connection, dialed by node-a.
            if (log.lines().stream().anyMatch(l -> l.contains("duplicate connection to node"))) {
                log.find("duplicate connection to node", "keeping the one dialed by node-a");
            }
            assertSame(toB, a.network().peer("node-b").orElseThrow());
            assertSame(toA, b.network().peer("node-a").orElseThrow());
            var ab = ((NettyPeer) toB).channel();
            var ba = ((NettyPeer) toA).channel();
            assertEquals(ab.localAddress(), ba.remoteAddress(), "both ends use the same TCP connection");
            assertNull(ab.parent(), "node-a dialed the kept connection");
            assertNotNull(ba.parent(), "node-b accepted the kept connection");

            toB.send(new Release("ab")).get(5, TimeUnit.SECONDS);
            toA.send(new Release("ba")).get(5, TimeUnit.SECONDS);
            assertEquals(new Release("ab"), b.listener().message(T));
            assertEquals(new Release("ba"), a.listener().message(T));
            assertEquals(1, a.listener().count("connected"));
            assertEquals(1, b.listener().count("connected"));
            assertEquals(0, a.listener().count("disconnected") + b.listener().count("disconnected"),
                    "the duplicate went away without the listeners seeing a disconnect");
        }
    }

    @Test
    void dialingAConnectedNodeAgainGivesTheSamePeer() throws Exception {
        try (Cluster c = new Cluster()) {
            var a = c.start("node-a", cfg -> cfg);
            var b = c.start("node-b", cfg -> cfg);
            Peer first = a.network().connect("127.0.0.1", b.network().port()).get(5, TimeUnit.SECONDS);
            Peer again = a.network().connect("127.0.0.1", b.network().port()).get(5, TimeUnit.SECONDS);
            assertSame(first, again);
            assertEquals(1, a.network().openConnections());
        }
    }
}
