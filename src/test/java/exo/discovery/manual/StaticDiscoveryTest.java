package exo.discovery.manual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.discovery.DiscoveredNode;
import exo.discovery.RecordingListener;
import exo.discovery.PeerAddress;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

public class StaticDiscoveryTest {

    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    public static NodeInfo node(String id) {
        return new NodeInfo(id, "10.0.0.9", 7000, DeviceCapabilities.hypothetical(id, 1 << 20));
    }

    @Test
    void peersAreCandidatesUntilTheHandshakeNamesThem() throws Exception {
        var a = new PeerAddress("10.0.0.2", 7000);
        var b = new PeerAddress("studio.lan", 7000);
        var recorder = new RecordingListener();
        try (var discovery = new StaticDiscovery(List.of(a, b, a), "none", CLOCK)) {
            discovery.start(recorder);
            assertEquals(List.of(a, b), discovery.candidates());
            assertEquals(List.of(), discovery.nodes());

            discovery.identified(a, node("n1"));
            assertEquals("found n1 [10.0.0.2:7000]", recorder.next());
            assertEquals(List.of(b), discovery.candidates());
            DiscoveredNode seen = discovery.nodes().getFirst();
            assertEquals(Set.of(DiscoveredNode.Source.STATIC), seen.sources());
            assertEquals(CLOCK.instant(), seen.lastSeen());

            discovery.unreachable(a);
            assertEquals("lost n1", recorder.next());
            assertEquals(List.of(a, b), discovery.candidates(), "an unreachable peer is dialed again");
        }
    }

    @Test
    void twoAddressesOfOneNodeAreOneEntry() throws Exception {
        var a = new PeerAddress("10.0.0.2", 7000);
        var b = new PeerAddress("studio.lan", 7000);
        var recorder = new RecordingListener();
        try (var discovery = new StaticDiscovery(List.of(a, b), "none", CLOCK)) {
            discovery.start(recorder);
            discovery.identified(a, node("n1"));
            discovery.identified(b, node("n1"));
            assertEquals("found n1 [10.0.0.2:7000]", recorder.next());
            assertEquals("updated n1 [10.0.0.2:7000, studio.lan:7000]", recorder.next());
            assertEquals(1, discovery.nodes().size());
        }
    }

    @Test
    void addressesItWasNotGivenAreIgnored() throws Exception {
        var recorder = new RecordingListener();
        try (var discovery = new StaticDiscovery(List.of(new PeerAddress("10.0.0.2", 7000)), "none", CLOCK)) {
            discovery.start(recorder);
            discovery.identified(new PeerAddress("10.0.0.3", 7000), node("n1"));
            assertEquals(List.of(), discovery.nodes());
            assertTrue(recorder.isEmpty());
        }
    }

    @Test
    void anotherNodeAnsweringAtAnAddressReplacesTheFirst() throws Exception {
        var a = new PeerAddress("10.0.0.2", 7000);
        var recorder = new RecordingListener();
        try (var discovery = new StaticDiscovery(List.of(a), "none", CLOCK)) {
            discovery.start(recorder);
            discovery.identified(a, node("n1"));
            discovery.identified(a, node("n2"));
            assertEquals("found n1 [10.0.0.2:7000]", recorder.next());
            assertEquals("lost n1", recorder.next());
            assertEquals("found n2 [10.0.0.2:7000]", recorder.next());
        }
    }
}
