package exo.node.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.download.ProgressListener;
import exo.peer.PeerMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SliceProgressTest {
    /** Writes down what it hears. */
    private static final class Heard implements ProgressListener {
        final List<String> calls = new ArrayList<>();

        @Override
        public void started(String what, long total, long done) {
            calls.add("started " + what + " " + done + "/" + total);
        }

        @Override
        public void advanced(long bytes) {
            calls.add("advanced " + bytes);
        }

        @Override
        public void finished(boolean ok) {
            calls.add("finished " + ok);
        }
    }

    @Test
    void aNodesReportsOfBytesSoFarBecomeOneTransfer() {
        Heard heard = new Heard();
        SliceProgress p = new SliceProgress(heard, "m layers 0-7 for node-a");
        p.report(new PeerMessage.ShardProgress(1, 10, 100));
        p.report(new PeerMessage.ShardProgress(1, 40, 100));
        p.report(new PeerMessage.ShardProgress(1, 40, 100));
        // All there: the transfer ends now, not when the node has loaded the slice.
        p.report(new PeerMessage.ShardProgress(1, 100, 100));
        p.report(new PeerMessage.ShardProgress(1, 100, 100));
        p.finished(true);
        assertEquals(List.of("started m layers 0-7 for node-a 10/100", "advanced 30", "advanced 60", "finished true"),
                heard.calls);
    }

    @Test
    void aLoadThatFailsMidwayEndsItsTransfer() {
        Heard heard = new Heard();
        SliceProgress p = new SliceProgress(heard, "m for node-a");
        p.report(new PeerMessage.ShardProgress(1, 10, 100));
        p.finished(false);
        p.report(new PeerMessage.ShardProgress(1, 20, 100));
        assertEquals(List.of("started m for node-a 10/100", "finished false"), heard.calls);
    }

    @Test
    void aNodeThatHadItsSliceShowsNoTransfer() {
        Heard heard = new Heard();
        new SliceProgress(heard, "m layers 0-7 for node-a").finished(true);
        assertEquals(List.of(), heard.calls);
    }
}
