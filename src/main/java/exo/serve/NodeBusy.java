package exo.serve;

import exo.node.ring.ResilientRing;
import exo.node.ring.RingEngine;
import exo.node.ring.RingStats;
import java.util.ArrayList;
import java.util.List;

/**
 * How busy each machine computing for the served model has been: in a ring, each node's compute
 * time from the ring's own accounting (the trace every forward gathers, and the tail's time);
 * alone, the time any generation ran. Shares are over the time since the ring formed (a ring
 * formed anew starts counting again).
 */
final class NodeBusy {
    /** One machine's figures. */
    record Node(String name, String layers, double busySeconds, double share) {
    }

    private final long started = System.nanoTime();
    private RingEngine ring;
    private long ringSince;

    synchronized List<Node> of(ServedModel model) {
        List<ServedModel.RingNode> nodes = model.ring().get();
        List<Node> out = new ArrayList<>();
        if (model.engine() instanceof ResilientRing resilient) {
            RingEngine current = resilient.current();
            if (current != ring) {
                ring = current;
                ringSince = System.nanoTime();
            }
            RingStats.Snapshot s = current.stats();
            double seconds = Math.max(1e-9, (System.nanoTime() - ringSince) / 1e9);
            for (int i = 0; i < Math.min(nodes.size(), s.computeNanos().length); i++) {
                double busy = s.computeNanos()[i] / 1e9;
                out.add(new Node(nodes.get(i).name(), layers(nodes.get(i)), busy, Math.min(1, busy / seconds)));
            }
            return out;
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
        double busy = model.busy().nanos() / 1e9;
        for (ServedModel.RingNode n : nodes) {
            out.add(new Node(n.name(), layers(n), busy, Math.min(1, busy / seconds)));
        }
        return out;
    }

    private static String layers(ServedModel.RingNode n) {
        return n.start() + "-" + (n.end() - 1);
    }
}
