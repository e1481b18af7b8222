package exo.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import exo.discovery.manual.StaticDiscovery;
import exo.discovery.manual.StaticDiscoveryTest;
import exo.discovery.mdns.MdnsConfig;
import exo.discovery.mdns.MdnsDiscovery;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiscoveriesTest {

    @Test
    void modesParse() {
        assertEquals(DiscoveryMode.MDNS, DiscoveryMode.parse("mdns"));
        assertEquals(DiscoveryMode.STATIC, DiscoveryMode.parse("Static"));
        assertEquals(DiscoveryMode.BOTH, DiscoveryMode.parse(" both "));
        assertEquals("unknown discovery 'zeroconf': expected mdns, static or both",
                assertThrows(IllegalArgumentException.class, () -> DiscoveryMode.parse("zeroconf")).getMessage());
    }

    @Test
    void theFactoryBuildsWhatTheModeSays() {
        var mdns = MdnsConfig.listening("key");
        var peers = List.of(new PeerAddress("10.0.0.2", 7000));
        try (var d = Discoveries.create(DiscoveryMode.MDNS, mdns, peers)) {
            assertInstanceOf(MdnsDiscovery.class, d);
        }
        try (var d = Discoveries.create(DiscoveryMode.STATIC, mdns, peers)) {
            assertInstanceOf(StaticDiscovery.class, d);
            assertEquals(peers, d.candidates());
        }
        try (var d = Discoveries.create(DiscoveryMode.BOTH, mdns, peers)) {
            assertInstanceOf(CombinedDiscovery.class, d);
            assertEquals(peers, d.candidates());
        }
    }

    @Test
    void bothKeepsOneEntryForANodeEveryPartSees() throws Exception {
        var a = new PeerAddress("10.0.0.2", 7000);
        var b = new PeerAddress("studio.lan", 7000);
        var first = new StaticDiscovery(List.of(a), "none", StaticDiscoveryTest.CLOCK);
        var second = new StaticDiscovery(List.of(b), "none", StaticDiscoveryTest.CLOCK);
        var recorder = new RecordingListener();
        try (var both = new CombinedDiscovery(List.of(first, second))) {
            both.start(recorder);
            both.identified(a, StaticDiscoveryTest.node("n1"));
            assertEquals("found n1 [10.0.0.2:7000]", recorder.next());
            both.identified(b, StaticDiscoveryTest.node("n1"));
            assertEquals("updated n1 [10.0.0.2:7000, studio.lan:7000]", recorder.next());
            assertEquals(1, both.nodes().size());
            assertEquals(Set.of(DiscoveredNode.Source.STATIC), both.nodes().getFirst().sources());

            both.unreachable(a);
            assertEquals("updated n1 [studio.lan:7000]", recorder.next());
            both.unreachable(b);
            assertEquals("lost n1", recorder.next());
            assertEquals(List.of(), both.nodes());
        }
    }
}
