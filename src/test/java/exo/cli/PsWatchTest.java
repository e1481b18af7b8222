package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.node.ClusterSurvey;
import exo.peer.PeerMessage;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import exo.topology.Shard;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What `exo ps --watch` draws from one look to the next. */
class PsWatchTest {
    private static ClusterSurvey.Seen node(String id, String name, int port, long uptimeMillis) {
        NodeInfo info = new NodeInfo(id, "127.0.0.1", port, DeviceCapabilities.hypothetical(name, 1L << 30));
        return new ClusterSurvey.Seen(info, info.address(), Instant.now(), true, "static", Optional.of(
                new PeerMessage.Status(1, uptimeMillis, List.of(new Shard("stories260K", 0, 3, 5)), List.of())));
    }

    private static ClusterSurvey.Seen unreachable(ClusterSurvey.Seen s) {
        return new ClusterSurvey.Seen(s.node(), s.address(), s.lastSeen(), false, "static", Optional.empty());
    }

    @Test
    void withoutATerminalEachChangedTableIsPrintedOnceWithWhatJoinedAndWhatWasLost() {
        StringWriter text = new StringWriter();
        PsWatch watch = new PsWatch(new PrintWriter(text), false);
        ClusterSurvey.Seen a = node("exo-aaaa1111", "node-a", 1, 5_000);
        ClusterSurvey.Seen b = node("exo-bbbb2222", "node-b", 2, 1_000);
        watch.step(List.of(a), LocalTime.of(4, 0, 0));
        // Only the uptime moved: nothing printed.
        watch.step(List.of(node("exo-aaaa1111", "node-a", 1, 7_000)), LocalTime.of(4, 0, 2));
        watch.step(List.of(a, b), LocalTime.of(4, 0, 4));
        watch.step(List.of(a, b), LocalTime.of(4, 0, 6));
        watch.step(List.of(a, unreachable(b)), LocalTime.of(4, 0, 8));
        watch.step(List.of(a), LocalTime.of(4, 0, 10));
        String out = text.toString();
        List<String> heads = out.lines().filter(l -> l.startsWith("exo ps at ")).toList();
        assertEquals(List.of("exo ps at 04:00:00", "exo ps at 04:00:04: joined: node-b",
                "exo ps at 04:00:08: lost: node-b", "exo ps at 04:00:10"), heads, out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("node-b ") && l.endsWith("  joined")), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("node-b ") && l.contains("(unreachable)")
                && l.endsWith("  lost")), out);
        assertFalse(out.contains("\033["), "no terminal: no escape codes");
    }

    @Test
    void aNodeThatLeftTheLanAltogetherIsDrawnOnceMoreAsLost() {
        StringWriter text = new StringWriter();
        PsWatch watch = new PsWatch(new PrintWriter(text), true);
        ClusterSurvey.Seen a = node("exo-aaaa1111", "vm", 1, 5_000);
        ClusterSurvey.Seen b = node("exo-bbbb2222", "vm", 2, 5_000);
        watch.step(List.of(a, b), LocalTime.of(4, 0, 0));
        watch.step(List.of(a), LocalTime.of(4, 0, 2));
        String second = text.toString().substring(text.toString().lastIndexOf("\033[H"));
        assertTrue(second.contains("exo ps --watch, 04:00:02 (every 2 s; Ctrl-C stops)"), second);
        // Two machines called vm: both keep their labels, the lost one marked.
        assertTrue(second.lines().anyMatch(l -> l.startsWith("vm-aaaa ") && !l.contains("lost")), second);
        assertTrue(second.lines().anyMatch(l -> l.startsWith("vm-bbbb ") && l.contains("(gone)")
                && l.endsWith("  lost\033[K")), second);
        watch.step(List.of(a), LocalTime.of(4, 0, 4));
        String third = text.toString().substring(text.toString().lastIndexOf("\033[H"));
        assertFalse(third.contains("vm-bbbb"), "lost once, then not drawn: " + third);
    }
}
