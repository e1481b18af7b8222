package exo.peer.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.engine.Activations;
import exo.peer.NoLeaks;
import exo.peer.Payload;
import exo.peer.Peer;
import exo.peer.PeerConfig;
import exo.peer.PeerException;
import exo.peer.PeerMessage;
import exo.peer.PeerMessage.Forward;
import exo.peer.WireDtype;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeaks.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PeerNetworkTest {
    private static final Duration T = Duration.ofSeconds(10);

    private static Peer connect(Cluster.Node from, Cluster.Node to) throws Exception {
        return from.network().connect("127.0.0.1", to.network().port()).get(5, TimeUnit.SECONDS);
    }

    @Test
    void everyMessageAfterTheHandshakeTravelsAndAHandshakeMessageIsRefused() throws Exception {
        try (Cluster c = new Cluster()) {
            var a = c.start("a", cfg -> cfg);
            var b = c.start("b", cfg -> cfg);
            Peer toB = connect(a, b);
            List<PeerMessage> sent = Samples.all().stream()
                    .filter(m -> !(m instanceof PeerMessage.Hello || m instanceof PeerMessage.HelloProof
                            || m instanceof PeerMessage.Heartbeat))
                    .toList();
            for (PeerMessage m : sent) {
                toB.send(m).get(5, TimeUnit.SECONDS);
            }
            List<PeerMessage> got = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                got.add(b.listener().message(T));
            }
            assertEquals(sent, got);
            PeerMessage hello = Samples.all().stream().filter(m -> m instanceof PeerMessage.Hello).findFirst()
                    .orElseThrow();
            assertThrows(IllegalArgumentException.class, () -> toB.send(hello));
        }
    }

    @Test
    void aHiddenStateOf64TokensBy2048ArrivesExactInF32AndRoundedOnceInF16AndBf16() throws Exception {
        try (Cluster c = new Cluster()) {
            var a = c.start("a", cfg -> cfg);
            var b = c.start("b", cfg -> cfg);
            Peer toB = connect(a, b);
            var hidden = new Activations.Hidden(Samples.randomFloats(64 * 2048, 42), 64, 2048);
            for (WireDtype dtype : WireDtype.values()) {
                toB.send(new Forward("s", 17, Payload.HiddenState.of(hidden, dtype))).get(5, TimeUnit.SECONDS);
                Forward got = assertInstanceOf(Forward.class, b.listener().message(T));
                assertEquals(17, got.position());
                var state = assertInstanceOf(Payload.HiddenState.class, got.payload());
                assertEquals(dtype, state.dtype());
                Activations.Hidden back = state.toActivations();
                assertEquals(64, back.count());
                assertEquals(2048, back.dim());
                float[] sentValues = hidden.data();
                float[] values = back.data();
                if (dtype == WireDtype.F32) {
                    for (int i = 0; i < values.length; i++) {
                        assertEquals(Float.floatToRawIntBits(sentValues[i]), Float.floatToRawIntBits(values[i]), "F32 value " + i);
                    }
                } else {
                    float relative = dtype == WireDtype.BF16 ? 0x1p-8f : 0x1p-11f;
                    for (int i = 0; i < values.length; i++) {
                        assertTrue(Math.abs(values[i] - sentValues[i]) <= Math.abs(sentValues[i]) * relative + 1e-7f,
                                dtype + " value " + i + ": " + sentValues[i] + " arrived as " + values[i]);
                    }
                    assertArrayEquals(dtype.decode(dtype.encode(sentValues)), values, "exactly one rounding");
                }
            }
        }
    }

    @Test
    void messagesFromOnePeerArriveInTheOrderSent() throws Exception {
        try (Cluster c = new Cluster()) {
            var a = c.start("a", cfg -> cfg.withIoThreads(2));
            var b = c.start("b", cfg -> cfg.withIoThreads(2));
            Peer toB = connect(a, b);
            CompletableFuture<Void> last = null;
            for (int i = 0; i < 2000; i++) {
                last = toB.send(new PeerMessage.Release("s" + i));
            }
            last.get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 2000; i++) {
                assertEquals("s" + i, ((PeerMessage.Release) b.listener().message(T)).sessionId());
            }
        }
    }

    @Test
    void aFrameOverThePeersLimitFailsThatSendAndTheConnectionGoesOn() throws Exception {
        try (Cluster c = new Cluster()) {
            var a = c.start("a", cfg -> cfg.withMaxFrameBytes(64 << 10));
            var b = c.start("b", cfg -> cfg.withMaxFrameBytes(64 << 10));
            Peer toB = connect(a, b);
            var big = new Activations.Hidden(new float[64 * 2048], 64, 2048);
            var e = assertThrows(ExecutionException.class, () -> toB.send(
                    new Forward("s", 0, Payload.HiddenState.of(big, WireDtype.F32))).get(5, TimeUnit.SECONDS));
            assertInstanceOf(PeerException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("exceeds the max frame of 65536 bytes"), e.getCause().getMessage());
            toB.send(new PeerMessage.Release("s")).get(5, TimeUnit.SECONDS);
            assertEquals(new PeerMessage.Release("s"), b.listener().message(T));
        }
    }

    @Test
    void aPeerClosedByOneEndIsReportedAtBoth() throws Exception {
        try (Cluster c = new Cluster()) {
            var a = c.start("a", cfg -> cfg);
            var b = c.start("b", cfg -> cfg);
            Peer toB = connect(a, b);
            b.listener().connected(T);
            toB.close().get(5, TimeUnit.SECONDS);
            assertFalse(toB.isActive());
            assertEquals("closed by this node", a.listener().disconnected(T).reason());
            assertEquals("connection closed by the peer", b.listener().disconnected(T).reason());
            var e = assertThrows(ExecutionException.class,
                    () -> toB.send(new PeerMessage.Release("s")).get(5, TimeUnit.SECONDS));
            assertInstanceOf(PeerException.class, e.getCause());
            assertTrue(a.network().peers().isEmpty());
        }
    }

    @Test
    void closingTheNetworkDisconnectsEveryPeerAndStopsItsThreads() throws Exception {
        try (Cluster c = new Cluster()) {
            var net = c.start("closing", cfg -> cfg.withIoThreads(3));
            var b = c.start("b", cfg -> cfg);
            var d = c.start("d", cfg -> cfg);
            connect(b, net);
            connect(net, d);
            assertTrue(liveThreads("exo-peer-closing-") > 0);
            net.network().close();
            assertEquals("connection closed by the peer", b.listener().disconnected(T).reason());
            d.listener().disconnected(T);
            assertEquals(2, net.listener().count("disconnected"));
            assertEquals(0, threadsLeft("exo-peer-closing-"), "event-loop threads left after close");
            var e = assertThrows(ExecutionException.class,
                    () -> net.network().connect("127.0.0.1", b.network().port()).get(5, TimeUnit.SECONDS));
            assertInstanceOf(PeerException.class, e.getCause());
            net.network().close(); // twice is fine
        }
    }

    @Test
    void aPortInUseFailsToStartWithTheReason() throws Exception {
        try (Cluster c = new Cluster()) {
            var a = c.start("a", cfg -> cfg);
            var e = assertThrows(PeerException.class, () -> NettyPeerNetwork.start(
                    PeerConfig.of(Samples.node("b")).withBind("127.0.0.1", a.network().port()), new RecordingListener()));
            assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + a.network().port()), e.getMessage());
            assertEquals(0, threadsLeft("exo-peer-b-"));
        }
    }

    @Test
    void dialingANodeThatIsNotThereFails() throws Exception {
        try (Cluster c = new Cluster()) {
            var a = c.start("a", cfg -> cfg);
            var gone = c.start("gone", cfg -> cfg);
            int port = gone.network().port();
            gone.network().close();
            var e = assertThrows(ExecutionException.class,
                    () -> a.network().connect("127.0.0.1", port).get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().startsWith("cannot connect to 127.0.0.1:" + port), e.getCause().getMessage());
        }
    }

    private static long liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    /**
     * Threads named {@code prefix} still alive after up to five seconds. An event loop's
     * termination future completes as its threads finish, a moment before they are gone, so
     * on a loaded machine the count is polled rather than read once.
     */
    private static long threadsLeft(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (liveThreads(prefix) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return liveThreads(prefix);
    }
}
