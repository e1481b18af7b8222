package exo.discovery.mdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import exo.discovery.ClusterFingerprint;
import exo.discovery.RecordingListener;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Three discoveries in one JVM, all bound to 127.0.0.1: two share a cluster key, the third has
 * another. Linux delivers multicast sent on the loopback interface back to local sockets even
 * though {@code lo} has no MULTICAST flag, but not every system does: when nothing at all is
 * heard and the interface does not claim multicast, the test is skipped with that reason rather
 * than failed. It never passes without the two nodes having found each other. The real
 * multicast test, across namespaces, is {@link MdnsNamespacesTest}.
 *
 * <p>Ids and the key are random so that the same test running at the same time elsewhere on
 * this machine (another checkout) neither shows up here nor collides.
 */
class MdnsLoopbackTest {

    private static final long FIND_SECONDS = 15;
    // JmDNS logs through SLF4J into java.util.logging; held so the setting is not collected
    private static final Logger JMDNS_LOG = Logger.getLogger("javax.jmdns");

    @Test
    void nodesOfOneClusterFindEachOtherAndIgnoreAnother() throws Exception {
        JMDNS_LOG.setLevel(Level.SEVERE);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = "loopback-" + run;
        String a = "a-" + run;
        String b = "b-" + run;
        String stranger = "s-" + run;

        var heardByA = new RecordingListener();
        var heardByB = new RecordingListener();
        try (var first = new MdnsDiscovery(config(a, key, loopback, 7101));
             var second = new MdnsDiscovery(config(b, key, loopback, 7102));
             var other = new MdnsDiscovery(config(stranger, key + "-other", loopback, 7103))) {
            long start = System.nanoTime();
            first.start(heardByA);
            second.start(heardByB);
            other.start(new RecordingListener());

            String firstHeard = heardByA.next(FIND_SECONDS);
            if (firstHeard.startsWith("(nothing")) {
                NetworkInterface lo = NetworkInterface.getByInetAddress(loopback);
                boolean claimsMulticast = lo != null && lo.supportsMulticast();
                if (!claimsMulticast) {
                    System.out.println("SKIPPED MdnsLoopbackTest: nothing heard on loopback in " + FIND_SECONDS
                            + " s and the interface does not support multicast");
                }
                Assumptions.assumeTrue(claimsMulticast, "no multicast on the loopback interface");
                fail("the loopback interface supports multicast, yet " + a + " heard nothing in " + FIND_SECONDS + " s");
            }
            assertEquals("found " + b + " [127.0.0.1:7102]", firstHeard);
            assertEquals("found " + a + " [127.0.0.1:7101]", heardByB.next(FIND_SECONDS));
            System.out.println("mDNS on loopback: found each other in " + (System.nanoTime() - start) / 1_000_000 + " ms");
            assertEquals(List.of(b), first.nodes().stream().map(n -> n.id()).toList(),
                    "the node with another cluster key is not reported");

            // the stranger has been announced by now (its advert goes out with the others); a
            // few refreshes later it must still not be reported
            Thread.sleep(3000);
            assertEquals(List.of(b), first.nodes().stream().map(n -> n.id()).toList());

            second.close();
            assertEquals("lost " + b, heardByA.next(FIND_SECONDS));
            assertTrue(first.nodes().isEmpty());
        }
    }

    private static MdnsConfig config(String id, String key, InetAddress bind, int port) {
        var self = new NodeInfo(id, bind.getHostAddress(), port, DeviceCapabilities.hypothetical(id, 1 << 30));
        return new MdnsConfig(Optional.of(self), ClusterFingerprint.of(key), List.of(bind),
                Duration.ofSeconds(3), Duration.ofSeconds(9), Clock.systemUTC());
    }
}
