package exo.peer.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.peer.LogCapture;
import exo.peer.NoLeaks;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Connections that never finish their handshake take a bounded number of places. */
@ExtendWith(NoLeaks.class)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HandshakeSlotsTest {
    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void slotsAreCountedPerAddressAndInAll() throws Exception {
        HandshakeSlots slots = new HandshakeSlots();
        InetAddress a = InetAddress.getByName("10.0.0.1");
        for (int i = 0; i < HandshakeSlots.PER_ADDRESS; i++) {
            assertTrue(slots.take(a).isEmpty());
        }
        var refusal = slots.take(a).orElseThrow();
        assertTrue(refusal.first() && refusal.why().contains("16 connections in their handshake"), refusal.toString());
        assertTrue(!slots.take(a).orElseThrow().first(), "logged once");
        for (int i = 0; i < HandshakeSlots.TOTAL - HandshakeSlots.PER_ADDRESS; i++) {
            assertTrue(slots.take(InetAddress.getByName("10.0.1." + i)).isEmpty());
        }
        assertEquals(HandshakeSlots.TOTAL, slots.pending());
        assertTrue(slots.take(InetAddress.getByName("10.0.2.1")).orElseThrow().why().contains("too many"));
        slots.give(a);
        assertTrue(slots.take(a).isEmpty(), "a slot given back is taken again");
    }

    @Test
    void aFloodOfSilentConnectionsFromOneHostLeavesRoomForPeers() throws Exception {
        try (Cluster c = new Cluster(); LogCapture log = LogCapture.peer()) {
            var server = c.start("server", cfg -> cfg.withHandshakeTimeout(Duration.ofSeconds(30)));
            var peer = c.start("peer", cfg -> cfg);
            List<Socket> flood = new ArrayList<>();
            try {
                int refused = 0;
                for (int i = 0; i < 3 * HandshakeSlots.PER_ADDRESS; i++) {
                    Socket s = new Socket("127.0.0.1", server.network().port());
                    flood.add(s);
                }
                for (Socket s : flood) {
                    s.setSoTimeout(300);
                    try {
                        var in = s.getInputStream();
                        while (in.read() >= 0) {
                            // the server's Hello, if it kept the connection
                        }
                        refused++;
                    } catch (SocketTimeoutException kept) {
                        // held open, waiting for a Hello
                    } catch (java.io.IOException reset) {
                        refused++;
                    }
                }
                assertEquals(2 * HandshakeSlots.PER_ADDRESS, refused, "all but " + HandshakeSlots.PER_ADDRESS
                        + " were closed at once");
                assertTrue(server.network().openConnections() <= HandshakeSlots.PER_ADDRESS,
                        server.network().openConnections() + " connections open");
                log.await(T, "refusing connections from 127.0.0.1", "logged once until they end");
                assertEquals(1, log.lines().stream().filter(l -> l.contains("refusing connections from")).count());
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
            }
            // Their places freed, a real peer from the same host gets in.
            peer.network().connect("127.0.0.1", server.network().port()).get(10, TimeUnit.SECONDS);
            assertEquals("peer", server.listener().connected(T).peer().info().id());
            assertEquals(1, server.listener().count("connected"));
        }
    }
}
