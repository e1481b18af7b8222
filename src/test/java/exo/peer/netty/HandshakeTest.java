package exo.peer.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.peer.ClusterKey;
import exo.peer.LogCapture;
import exo.peer.NoLeaks;
import exo.peer.Payload;
import exo.peer.Peer;
import exo.peer.PeerException;
import exo.peer.PeerMessage;
import exo.peer.PeerMessage.Release;
import exo.peer.PeerMessage.Hello;
import exo.peer.PeerMessage.HelloProof;
import exo.peer.PeerMessage.Release;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeaks.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HandshakeTest {
    private static final Duration T = Duration.ofSeconds(5);
    private final ClusterKey key = ClusterKey.of("correct horse battery staple");

    private static Peer connect(Cluster.Node from, Cluster.Node to) throws Exception {
        return from.network().connect("127.0.0.1", to.network().port()).get(5, TimeUnit.SECONDS);
    }

    private static PeerException refused(Cluster.Node from, Cluster.Node to) {
        var e = assertThrows(ExecutionException.class,
                () -> from.network().connect("127.0.0.1", to.network().port()).get(5, TimeUnit.SECONDS));
        return assertInstanceOf(PeerException.class, e.getCause());
    }

    @Test
    void nodesWithTheSameKeyConnectAndTalkBothWays() throws Exception {
        try (Cluster c = new Cluster()) {
            var a = c.start("a", key);
            var b = c.start("b", key);
            Peer toB = connect(a, b);
            assertEquals("b", toB.info().id());
            assertEquals(b.network().port(), toB.info().port(), "the Hello carries the port actually bound");
            assertSame(toB, a.listener().connected(T).peer());
            Peer toA = b.listener().connected(T).peer();
            assertEquals("a", toA.info().id());
            assertTrue(toA.isActive() && toB.isActive());

            toB.send(new Release("s1")).get(5, TimeUnit.SECONDS);
            assertEquals(new Release("s1"), b.listener().message(T));
            toA.send(new Release("s2")).get(5, TimeUnit.SECONDS);
            assertEquals(new Release("s2"), a.listener().message(T));
        }
    }

    @Test
    void withoutKeysAnyNodeConnects() throws Exception {
        try (Cluster c = new Cluster()) {
            var a = c.start("a", (ClusterKey) null);
            var b = c.start("b", (ClusterKey) null);
            assertEquals("b", connect(a, b).info().id());
            assertEquals("a", b.listener().connected(T).peer().info().id());
        }
    }

    @Test
    void aNodeWithoutTheKeyOrWithAnotherKeyIsRefusedWhileTheServerKeepsServingItsPeers() throws Exception {
        try (Cluster c = new Cluster(); LogCapture log = LogCapture.peer()) {
            var server = c.start("server", key);
            var before = c.start("good-1", key);
            var keyless = c.start("keyless", (ClusterKey) null);
            var stranger = c.start("stranger", ClusterKey.of("another cluster"));

            Peer first = connect(before, server);
            assertEquals("good-1", server.listener().connected(T).peer().info().id());

            // A keyed node speaks only TLS: a keyless one is refused before any Hello is read.
            PeerException noKey = refused(keyless, server);
            assertTrue(noKey.getMessage().contains("cluster key"), noKey.getMessage());
            String line = log.await(T, "refused peer at /127.0.0.1:", "it does not speak TLS");
            assertTrue(line.startsWith("WARNING"), line);

            PeerException wrongKey = refused(stranger, server);
            assertTrue(wrongKey.getMessage().contains("cluster's key"), wrongKey.getMessage());
            log.await(T, "refused peer at /127.0.0.1:", "it does not hold this cluster's key");

            var after = c.start("good-2", key);
            Peer second = connect(after, server);
            assertEquals("good-2", server.listener().connected(T).peer().info().id());

            // both good peers still talk to the server, and it to them
            first.send(new Release("from-1")).get(5, TimeUnit.SECONDS);
            second.send(new Release("from-2")).get(5, TimeUnit.SECONDS);
            // two connections: no order between them
            assertEquals(java.util.Set.of(new Release("from-1"), new Release("from-2")),
                    java.util.Set.of(server.listener().message(T), server.listener().message(T)));
            server.network().peer("good-1").orElseThrow().send(new Release("to-1")).get(5, TimeUnit.SECONDS);
            server.network().peer("good-2").orElseThrow().send(new Release("to-2")).get(5, TimeUnit.SECONDS);
            assertEquals(new Release("to-1"), before.listener().message(T));
            assertEquals(new Release("to-2"), after.listener().message(T));

            assertEquals(2, server.listener().count("connected"), "refused nodes never reach the listener");
            assertEquals(0, server.listener().count("disconnected"));
            assertEquals(0, keyless.listener().count("connected"));
            assertEquals(2, server.network().peers().size());
        }
    }

    @Test
    void aForgedProofIsRefused() throws Exception {
        try (LogCapture log = LogCapture.peer()) {
            byte[] nonce = new byte[PeerMessage.NONCE_BYTES];
            EmbeddedChannel ch = new EmbeddedChannel(
                    new HandshakeHandler(Samples.node("server"), Optional.of(key), nonce, T), new ErrorHandler());
            assertInstanceOf(Hello.class, ch.readOutbound());
            // the fingerprint is public (it is in every Hello); the key is not
            ch.writeInbound(new Hello(1, Samples.node("mallory"), new byte[32], key.fingerprint()));
            assertInstanceOf(HelloProof.class, ch.readOutbound());
            ch.writeInbound(new HelloProof(new byte[32]));
            assertNull(ch.readInbound());
            assertFalse(ch.isOpen());
            log.find("refused node mallory at embedded", "its cluster key proof is wrong");
            PeerMessage.Error told = assertInstanceOf(PeerMessage.Error.class, ch.readOutbound());
            assertEquals("handshake-refused", told.code());
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void nothingPassesBeforeTheHandshake() throws Exception {
        try (LogCapture log = LogCapture.peer()) {
            EmbeddedChannel ch = new EmbeddedChannel(
                    new HandshakeHandler(Samples.node("server"), Optional.empty(), new byte[32], T), new ErrorHandler());
            ch.writeInbound(new PeerMessage.Forward("s", 0, new Payload.TokenIds(new int[] {1})));
            assertNull(ch.readInbound(), "the Forward must not pass");
            assertFalse(ch.isOpen());
            log.find("refused peer at embedded", "sent Forward before the handshake completed");
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aNodeCannotConnectToItself() throws Exception {
        try (Cluster c = new Cluster(); LogCapture log = LogCapture.peer()) {
            var a = c.start("a", key);
            PeerException e = refused(a, a);
            assertTrue(e.getMessage().contains("own id"), e.getMessage());
            log.await(T, "refused node a at /127.0.0.1:", "it has this node's own id a");
            assertEquals(0, a.listener().count("connected"));
        }
    }

    @Test
    void aConnectionThatNeverSaysHelloIsClosed() throws Exception {
        try (Cluster c = new Cluster(); LogCapture log = LogCapture.peer()) {
            var server = c.start("server", cfg -> cfg.withHandshakeTimeout(Duration.ofMillis(300)));
            try (Socket silent = new Socket("127.0.0.1", server.network().port())) {
                silent.setSoTimeout(5000);
                log.await(T, "refused peer at /127.0.0.1:", "handshake not completed within 300 ms");
                InputStream in = silent.getInputStream();
                while (in.read() >= 0) {
                    // the server's Hello and Error, then end of stream
                }
            }
            assertEquals(0, server.listener().count("connected"));
        }
    }

    @Test
    void anotherProtocolVersionIsClosedWithItsReason() throws Exception {
        try (Cluster c = new Cluster(); LogCapture log = LogCapture.peer()) {
            var server = c.start("server", (ClusterKey) null);
            byte[] hello = PeerMessageCodecTest.encode(new Hello(1, Samples.node("future"), new byte[32], new byte[0]));
            hello[8] = 9;
            try (Socket s = new Socket("127.0.0.1", server.network().port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(hello);
                log.await(T, "closing connection to peer at /127.0.0.1:", "peer speaks protocol version 9, this node speaks " + PeerMessage.PROTOCOL_VERSION);
                InputStream in = s.getInputStream();
                while (in.read() >= 0) {
                    // until the server closes
                }
            }
        }
    }

    /**
     * A stranger may not make a node buffer a large frame before it has shown who it is: on an
     * open ring the frame limit does it (a keyed ring's TLS reads records of 16 KiB at most and
     * refuses anything else at once).
     */
    @Test
    void aLargeFrameBeforeTheHandshakeClosesTheConnection() throws Exception {
        try (Cluster c = new Cluster(); LogCapture log = LogCapture.peer()) {
            var server = c.start("server", (ClusterKey) null);
            var peer = c.start("peer", (ClusterKey) null);
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.network().port())) {
                s.setSoTimeout(10_000);
                var out = s.getOutputStream();
                out.write(new byte[] {0, 16, 0, 0}); // a frame of 1 MiB, announced before any Hello
                out.write(new byte[1024]);
                out.flush();
                var in = s.getInputStream();
                int got;
                do {
                    got = in.read(); // the server's own Hello may come first; then the connection ends
                } while (got >= 0);
            } catch (java.net.SocketException e) {
                // reset by the server: closed as well
            }
            log.await(T, "before the handshake");
            // The server keeps serving: a peer with the key still connects.
            peer.network().connect("127.0.0.1", server.network().port()).get(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
