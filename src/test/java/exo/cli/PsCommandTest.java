package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.node.ClusterSurvey;
import exo.peer.PeerMessage;
import exo.peer.SessionStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PsCommandTest {
    private static ClusterSurvey.Seen node(String address, SessionStatus... sessions) {
        return new ClusterSurvey.Seen(null, address, null, true, "static",
                Optional.of(new PeerMessage.Status(1, 1000, List.of(), List.of(sessions))));
    }

    /** Every node of a ring reports its sessions: ps shows each once, as long as its longest report, idle as its least. */
    @Test
    void aSessionReportedByEveryNodeOfItsRingIsOneConversation() {
        var onHead = new SessionStatus("s1", "m", List.of("a", "t"), 0, 3, 40, 9_000);
        var onTail = new SessionStatus("s1", "m", List.of("a", "t"), 3, 5, 41, 8_000);
        var otherTailSameName = new SessionStatus("s1", "m", List.of("a", "u"), 0, 3, 7, 100);
        var unanswered = new ClusterSurvey.Seen(null, "10.0.0.9:1", null, false, "static", Optional.empty());
        List<PsCommand.Conversation> c = PsCommand.conversations(List.of(node("a", onHead, otherTailSameName),
                node("t", onTail), unanswered));
        assertEquals(List.of(new PsCommand.Conversation("s1", "m", List.of("a", "t"), 41, 8_000),
                new PsCommand.Conversation("s1", "m", List.of("a", "u"), 7, 100)), c);
    }

    @Test
    void durationsAreAsPreciseAsAGlanceNeeds() {
        assertEquals("0 s", PsCommand.duration(999));
        assertEquals("119 s", PsCommand.duration(119_999));
        assertEquals("2 min", PsCommand.duration(120_000));
        assertEquals("2 h", PsCommand.duration(7_200_000));
        assertEquals("2 d", PsCommand.duration(2 * 86_400_000L));
    }
}
