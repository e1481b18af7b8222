package exo.bench;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a test through a ring spent where: the mean time of one hop (serialization, network and
 * event loops: a round trip less the nodes' own time, over its hops), the bytes of token ids
 * and hidden states sent per token over all hops, and each node's share of the test's wall
 * time spent computing and queueing. The rest of a node's time is waiting for the others.
 */
public record RingFigures(double hopMillis, double wireBytesPerToken, List<NodeShare> nodes) {

    public RingFigures {
        nodes = List.copyOf(nodes);
    }

    /**
     * One node of the ring.
     *
     * @param layers       first-last layer it runs
     * @param computeShare its compute time over the test's wall time
     * @param queueShare   time forwards waited behind others on it, over the test's wall time
     */
    public record NodeShare(String node, String layers, double computeShare, double queueShare) {
        /** Neither computing nor queueing: waiting for the rest of the ring. */
        public double waitingShare() {
            return Math.max(0, 1 - computeShare - queueShare);
        }
    }

    /** "a 41% · b 38%": each node's compute share, head first. */
    public String busy() {
        return nodes.stream().map(n -> n.node() + " " + String.format(Locale.ROOT, "%.0f%%", 100 * n.computeShare()))
                .collect(Collectors.joining(" · "));
    }
}
