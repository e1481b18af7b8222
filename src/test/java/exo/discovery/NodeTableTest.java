package exo.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.discovery.DiscoveredNode.Source;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeTableTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static DiscoveredNode seen(String id, String host, long memory, Instant at) {
        var node = new NodeInfo(id, host, 7000, DeviceCapabilities.hypothetical("box-" + id, memory));
        return new DiscoveredNode(node, List.of(new PeerAddress(host, 7000)), at, Set.of(Source.MDNS), "none");
    }

    @Test
    void oneNodeOnTwoInterfacesIsOneEntryWithBothAddresses() {
        var table = new NodeTable();
        var found = table.put("mdns@10.0.0.2", seen("n1", "10.0.0.7", 100, T0)).orElseThrow();
        assertEquals(NodeTable.Kind.FOUND, found.kind());
        var updated = table.put("mdns@192.168.5.2", seen("n1", "192.168.5.7", 100, T0.plusSeconds(1))).orElseThrow();
        assertEquals(NodeTable.Kind.UPDATED, updated.kind());

        assertEquals(1, table.nodes().size());
        DiscoveredNode node = table.nodes().getFirst();
        assertEquals(List.of(new PeerAddress("10.0.0.7", 7000), new PeerAddress("192.168.5.7", 7000)), node.addresses());
        assertEquals("10.0.0.7", node.node().host(), "the first interface's address stays the one to dial");
        assertEquals(T0.plusSeconds(1), node.lastSeen());
    }

    @Test
    void lostOnlyWhenNoInterfaceSeesItAnyMore() {
        var table = new NodeTable();
        table.put("a", seen("n1", "10.0.0.7", 100, T0));
        table.put("b", seen("n1", "192.168.5.7", 100, T0));

        var shrunk = table.remove("a", "n1").orElseThrow();
        assertEquals(NodeTable.Kind.UPDATED, shrunk.kind());
        assertEquals(List.of(new PeerAddress("192.168.5.7", 7000)), shrunk.node().addresses());

        assertEquals(NodeTable.Kind.LOST, table.remove("b", "n1").orElseThrow().kind());
        assertEquals(List.of(), table.nodes());
        assertEquals(Optional.empty(), table.remove("b", "n1"));
    }

    @Test
    void aRefreshThatChangesNothingButTheTimeIsNoEvent() {
        var table = new NodeTable();
        table.put("a", seen("n1", "10.0.0.7", 100, T0));
        table.put("b", seen("n1", "192.168.5.7", 100, T0));
        // two interfaces refreshing in turn
        for (int i = 1; i < 5; i++) {
            assertEquals(Optional.empty(), table.put(i % 2 == 0 ? "a" : "b", seen("n1", i % 2 == 0 ? "10.0.0.7" : "192.168.5.7", 100, T0.plusSeconds(i))));
        }
        assertEquals(T0.plusSeconds(4), table.node("n1").orElseThrow().lastSeen());
        var changed = table.put("a", seen("n1", "10.0.0.7", 200, T0.plusSeconds(9))).orElseThrow();
        assertEquals(NodeTable.Kind.UPDATED, changed.kind());
        assertEquals(200, changed.node().node().device().memoryBytes());
    }

    @Test
    void expireDropsSightingsOlderThanTheCutoff() {
        var table = new NodeTable();
        table.put("a", seen("n1", "10.0.0.7", 100, T0));
        table.put("a", seen("n2", "10.0.0.8", 100, T0.plusSeconds(10)));
        table.put("b", seen("n2", "192.168.5.8", 100, T0));

        List<NodeTable.Change> changes = table.expire(T0.plusSeconds(5), channel -> true);
        assertEquals(2, changes.size());
        assertEquals(NodeTable.Kind.LOST, changes.stream().filter(c -> c.node().id().equals("n1")).findFirst().orElseThrow().kind());
        assertEquals(NodeTable.Kind.UPDATED, changes.stream().filter(c -> c.node().id().equals("n2")).findFirst().orElseThrow().kind());
        assertEquals(List.of("n2"), table.nodes().stream().map(DiscoveredNode::id).toList());
        assertTrue(table.idsSeenBy("b").isEmpty());
    }

    @Test
    void sourcesAreUnited() {
        var table = new NodeTable();
        table.put("mdns", seen("n1", "10.0.0.7", 100, T0));
        var node = new NodeInfo("n1", "10.0.0.7", 7000, DeviceCapabilities.hypothetical("box-n1", 100));
        table.put("static", new DiscoveredNode(node, List.of(new PeerAddress("studio.lan", 7000)), T0,
                Set.of(Source.STATIC), "none"));
        DiscoveredNode merged = table.nodes().getFirst();
        assertEquals(Set.of(Source.MDNS, Source.STATIC), merged.sources());
        assertEquals(2, merged.addresses().size());
    }

    @Test
    void listenersGetTheRightCallback() {
        var got = new StringBuilder();
        DiscoveryListener listener = new DiscoveryListener() {
            @Override
            public void found(DiscoveredNode node) {
                got.append("found ").append(node.id()).append(';');
            }

            @Override
            public void lost(DiscoveredNode node) {
                got.append("lost ").append(node.id()).append(';');
            }
        };
        var table = new NodeTable();
        table.put("a", seen("n1", "h", 1, T0)).orElseThrow().deliver(listener);
        table.remove("a", "n1").orElseThrow().deliver(listener);
        assertEquals("found n1;lost n1;", got.toString());
    }
}
