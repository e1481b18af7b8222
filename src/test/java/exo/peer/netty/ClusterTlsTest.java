package exo.peer.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.peer.ClusterKey;
import exo.peer.LogCapture;
import exo.peer.NoLeaks;
import exo.peer.Payload;
import exo.peer.Peer;
import exo.peer.PeerException;
import exo.peer.PeerMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ring's TLS, seen from the wire: what a relay on the path sees, and who is let in. */
@ExtendWith(NoLeaks.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClusterTlsTest {
    private static final Duration T = Duration.ofSeconds(5);
    private static final String SESSION = "chat-about-the-secret-model-name";
    private static final int[] TOKENS = {0x12345678, 0x0BADCAFE, 0x7EEDBEEF};
    private final ClusterKey key = ClusterKey.of("correct horse battery staple");

    @Test
    void everyMemberDerivesTheSameKeyPairAndOthersAnother() {
        ClusterTls one = ClusterTls.of(key);
        ClusterTls two = ClusterTls.of(ClusterKey.of("correct horse battery staple"));
        assertArrayEquals(one.publicKey(), two.publicKey());
        assertFalse(java.util.Arrays.equals(one.publicKey(), ClusterTls.of(ClusterKey.of("another")).publicKey()));
    }

    @Test
    void aRelayOnThePathSeesNoPlaintext() throws Exception {
        try (Cluster c = new Cluster(); Relay relay = new Relay()) {
            var alice = c.start("alice-node-id", key);
            var bob = c.start("bob-node-id", key);
            relay.start(bob.network().port());
            Peer toBob = alice.network().connect("127.0.0.1", relay.port()).get(5, TimeUnit.SECONDS);
            assertEquals("bob-node-id", toBob.info().id());
            toBob.send(new PeerMessage.Forward(SESSION, 7, new Payload.TokenIds(TOKENS))).get(5, TimeUnit.SECONDS);
            PeerMessage got = bob.listener().message(T);
            assertEquals(SESSION, assertInstanceOf(PeerMessage.Forward.class, got).sessionId());

            for (byte[] seen : List.of(relay.upstream(), relay.downstream())) {
                assertTrue(seen.length > 0);
                assertEquals(0x16, seen[0], "the first record is a TLS handshake record");
                for (String secret : List.of(SESSION, "alice-node-id", "bob-node-id")) {
                    assertEquals(-1, indexOf(seen, secret.getBytes(StandardCharsets.UTF_8)), secret + " crossed in clear");
                }
                for (int token : TOKENS) {
                    for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
                        byte[] b = ByteBuffer.allocate(4).order(order).putInt(token).array();
                        assertEquals(-1, indexOf(seen, b), "token " + Integer.toHexString(token) + " crossed in clear");
                    }
                }
            }
        }
    }

    @Test
    void aWrongKeyIsRefusedOnBothSidesWithoutShowingKeyMaterial() throws Exception {
        ClusterKey other = ClusterKey.of("another cluster");
        try (Cluster c = new Cluster(); LogCapture log = LogCapture.peer()) {
            var server = c.start("server", key);
            var stranger = c.start("stranger", other);
            PeerException refused = refused(stranger, server.network().port());
            assertTrue(refused.getMessage().contains("does not hold this cluster's key"), refused.getMessage());
            String line = log.await(T, "refused peer at /127.0.0.1:", "does not hold this cluster's key");
            for (String shown : List.of(refused.getMessage(), line)) {
                assertFalse(shown.contains(key.fingerprintHex()) || shown.contains(other.fingerprintHex()), shown);
            }
            assertEquals(0, server.listener().count("connected"));
        }
    }

    @Test
    void plaintextIsRefusedEitherWay() throws Exception {
        try (Cluster c = new Cluster(); LogCapture log = LogCapture.peer()) {
            var keyed = c.start("keyed", key);
            var open = c.start("open", (ClusterKey) null);
            PeerException toKeyed = refused(open, keyed.network().port());
            log.await(T, "refused peer at /127.0.0.1:", "it does not speak TLS (it runs without a cluster key");
            PeerException toOpen = refused(keyed, open.network().port());
            for (PeerException e : List.of(toKeyed, toOpen)) {
                assertTrue(e.getMessage().contains("cluster key"), e.getMessage());
            }
            assertEquals(0, keyed.listener().count("connected"));
            assertEquals(0, open.listener().count("connected"));
        }
    }

    /** The bytes a member sent to open a session, sent again by someone else, open nothing. */
    @Test
    void aRecordedHandshakeReplayedIsRefused() throws Exception {
        try (Cluster c = new Cluster(); Relay relay = new Relay(); LogCapture log = LogCapture.peer()) {
            var server = c.start("server", key);
            var member = c.start("member", key);
            relay.start(server.network().port());
            member.network().connect("127.0.0.1", relay.port()).get(5, TimeUnit.SECONDS);
            server.listener().connected(T);
            byte[] recorded = relay.upstream();
            try (Socket replay = new Socket("127.0.0.1", server.network().port())) {
                replay.setSoTimeout(10_000);
                replay.getOutputStream().write(recorded);
                InputStream in = replay.getInputStream();
                try {
                    while (in.read() >= 0) {
                        // the server's handshake answers, then the end of the connection
                    }
                } catch (IOException reset) {
                    // closed by the server with a reset: refused as well
                }
            }
            log.await(T, "refused peer at /127.0.0.1:", "TLS");
            assertEquals(1, server.listener().count("connected"), "only the member's own connection");
        }
    }

    private static PeerException refused(Cluster.Node from, int port) {
        var e = assertThrows(ExecutionException.class,
                () -> from.network().connect("127.0.0.1", port).get(10, TimeUnit.SECONDS));
        return assertInstanceOf(PeerException.class, e.getCause());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A TCP relay on loopback that passes every byte on and keeps a copy of each direction. */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket listening = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
        private final ByteArrayOutputStream up = new ByteArrayOutputStream();
        private final ByteArrayOutputStream down = new ByteArrayOutputStream();
        private final List<Socket> sockets = new ArrayList<>();

        Relay() throws IOException {
        }

        int port() {
            return listening.getLocalPort();
        }

        void start(int target) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    Socket client = listening.accept();
                    Socket server = new Socket("127.0.0.1", target);
                    synchronized (sockets) {
                        sockets.add(client);
                        sockets.add(server);
                    }
                    pump(client.getInputStream(), server.getOutputStream(), up);
                    pump(server.getInputStream(), client.getOutputStream(), down);
                } catch (IOException closed) {
                    // the relay was closed
                }
            });
        }

        private static void pump(InputStream in, OutputStream out, ByteArrayOutputStream copy) {
            Thread.ofPlatform().daemon().start(() -> {
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        synchronized (copy) {
                            copy.write(buf, 0, n);
                        }
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException closed) {
                    // either end went away
                }
            });
        }

        byte[] upstream() {
            synchronized (up) {
                return up.toByteArray();
            }
        }

        byte[] downstream() {
            synchronized (down) {
                return down.toByteArray();
            }
        }

        @Override
        public void close() throws IOException {
            listening.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }
}
