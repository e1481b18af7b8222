package exo.peer.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.peer.LogCapture;
import exo.peer.NoLeaks;
import exo.peer.Peer;
import exo.peer.PeerMessage;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeaks.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HeartbeatTest {
    private static final Duration T = Duration.ofSeconds(5);
    private static final Duration BEAT = Duration.ofMillis(100);

    private static long millisBetween(RecordingListener.Event from, RecordingListener.Event to) {
        return (to.nanos() - from.nanos()) / 1_000_000;
    }

    @Test
    void aPeerThatFreezesAfterItsHelloIsDeclaredDeadWithinThreeIntervals() throws Exception {
        try (Cluster c = new Cluster(); LogCapture log = LogCapture.peer()) {
            var server = c.start("server", cfg -> cfg.withHeartbeatInterval(BEAT));
            byte[] hello = PeerMessageCodecTest.encode(
                    new PeerMessage.Hello(PeerMessage.PROTOCOL_VERSION, Samples.node("frozen"), new byte[32], new byte[0]));
            // a real socket that says Hello and then nothing, as a hung process would
            try (Socket frozen = new Socket("127.0.0.1", server.network().port())) {
                frozen.getOutputStream().write(hello);
                var up = server.listener().connected(T);
                var down = server.listener().disconnected(T);
                long ms = millisBetween(up, down);
                // About 300 ms (three 100 ms intervals); the upper bound leaves room for a loaded CI machine.
                assertTrue(ms >= 250 && ms <= 3000, "declared dead after " + ms + " ms, expected about 300");
                assertTrue(down.reason().contains("3 heartbeat intervals"), down.reason());
                log.await(T, "closing connection to node frozen at /127.0.0.1:", "nothing received for 300 ms");
            }
        }
    }

    @Test
    void aPeerWhoseHeartbeatsStopIsDeclaredDeadAndBothSidesHearOfIt() throws Exception {
        try (Cluster c = new Cluster()) {
            var a = c.start("a", cfg -> cfg.withHeartbeatInterval(BEAT));
            var b = c.start("b", cfg -> cfg.withHeartbeatInterval(BEAT));
            Peer toB = a.network().connect("127.0.0.1", b.network().port()).get(5, TimeUnit.SECONDS);
            var up = b.listener().connected(T);
            // test hook: a stops beating but still reads, like a node whose sender is stuck
            ((NettyPeer) toB).channel().pipeline().remove("heartbeat");
            var down = b.listener().disconnected(T);
            assertTrue(millisBetween(up, down) <= 3000, "declared dead after " + millisBetween(up, down) + " ms");
            assertTrue(down.reason().contains("3 heartbeat intervals"), down.reason());
            assertEquals("b", a.listener().disconnected(T).peer().info().id());
        }
    }

    @Test
    void idlePeersStayConnectedOnHeartbeatsAlone() throws Exception {
        try (Cluster c = new Cluster()) {
            var a = c.start("a", cfg -> cfg.withHeartbeatInterval(BEAT));
            var b = c.start("b", cfg -> cfg.withHeartbeatInterval(BEAT));
            Peer toB = a.network().connect("127.0.0.1", b.network().port()).get(5, TimeUnit.SECONDS);
            Peer toA = b.listener().connected(T).peer();
            Thread.sleep(15 * BEAT.toMillis());
            assertTrue(toA.isActive() && toB.isActive());
            assertEquals(0, a.listener().count("disconnected") + b.listener().count("disconnected"));
            assertTrue(a.listener().heartbeats() >= 5 && b.listener().heartbeats() >= 5,
                    "heartbeats heard: " + a.listener().heartbeats() + ", " + b.listener().heartbeats());
        }
    }
}
