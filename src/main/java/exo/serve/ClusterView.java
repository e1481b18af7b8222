package exo.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.node.ring.ResilientRing;
import exo.node.ring.RingStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the page's cluster view draws: the model, each machine of the ring (name, layers, engine,
 * the memory it offered, the bytes of its slice, how busy it is), the live tokens/s and, in a
 * ring, what a hop takes. Figures
 * are rounded so that a state that did not change reads the same, and an unchanged ring is not
 * pushed again.
 */
final class ClusterView {
    private final ModelHost models;
    private final Admission admission;

    ClusterView(ModelHost models, Admission admission) {
        this.models = models;
        this.admission = admission;
    }

    /**
     * The state now; {@code busy} gives each machine's busy share (over the time since the ring
     * formed for {@code /exo/ring}, over the last second for the event stream).
     */
    ObjectNode state(Busy busy) {
        ObjectNode root = OpenAiApi.JSON.createObjectNode();
        var nodes = root.putArray("nodes");
        models.loaded().ifPresentOrElse(model -> {
            List<ServedModel.RingNode> ring = model.ring().get();
            int layers = ring.stream().mapToInt(n -> n.end() - n.start()).sum();
            Map<String, Double> shares = busy.shares(model);
            root.put("model", model.id()).put("context", model.engine().contextLength())
                    .put("tokens_per_second", round(model.throughput().tokensPerSecond(), 10));
            if (model.engine() instanceof ResilientRing resilient) {
                root.put("hop_ms", hopMillis(resilient.current().stats()));
            }
            for (ServedModel.RingNode n : ring) {
                // The slice's share of the file's bytes, as Ollama's /api/ps counts a model's memory.
                long slice = layers == 0 ? 0 : model.card().sizeBytes() * (n.end() - n.start()) / layers;
                nodes.addObject().put("name", n.name()).put("layers", n.start() + "-" + (n.end() - 1))
                        .put("engine", n.engine()).put("memory_bytes", n.memoryBytes()).put("slice_bytes", slice)
                        .put("busy_share", round(shares.getOrDefault(n.name(), 0.0), 100));
            }
        }, () -> root.putNull("model").put("context", 0).put("tokens_per_second", 0.0));
        root.put("running", admission.running()).put("waiting", admission.waiting());
        return root;
    }

    /**
     * What one hop took on average since the ring formed: round trips less the nodes' compute and
     * queueing before the tail (the network, serialization, event loops); 0 before the first.
     */
    static double hopMillis(RingStats.Snapshot s) {
        if (s.hops() == 0) {
            return 0;
        }
        long nodes = 0;
        for (int i = 0; i < s.computeNanos().length - 1; i++) {
            nodes += s.computeNanos()[i] + s.queueNanos()[i];
        }
        return round(Math.max(0, s.roundTripNanos() - nodes) / (double) s.hops() / 1e6, 10);
    }

    private static double round(double value, int per) {
        return Math.round(value * per) / (double) per;
    }

    /** Each machine's busy share by name. */
    interface Busy {
        Map<String, Double> shares(ServedModel model);
    }

    /** Busy over the time since the ring formed. */
    static Busy sinceFormed(NodeBusy busy) {
        return model -> {
            Map<String, Double> out = new HashMap<>();
            busy.of(model).forEach(n -> out.put(n.name(), n.share()));
            return out;
        };
    }

    /** Busy over the time between two calls: what a live view shows (0 on a machine that is idle now). */
    static final class Recent implements Busy {
        private final NodeBusy busy = new NodeBusy();
        private final Map<String, Double> seconds = new HashMap<>();
        private long at = System.nanoTime();

        @Override
        public Map<String, Double> shares(ServedModel model) {
            long now = System.nanoTime();
            double elapsed = Math.max(1e-3, (now - at) / 1e9);
            at = now;
            Map<String, Double> out = new HashMap<>();
            for (NodeBusy.Node n : busy.of(model)) {
                Double before = seconds.put(n.name(), n.busySeconds());
                double delta = before == null ? 0 : Math.max(0, n.busySeconds() - before);
                out.put(n.name(), Math.min(1, delta / elapsed));
            }
            return out;
        }
    }
}
