package exo.node;

import exo.topology.NodeInfo;
import exo.topology.NodeNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every node this process has met (itself and each peer that completed a handshake), and the
 * label each goes by in what exo says ({@link NodeNames}). A node that left is kept, so the line
 * that says it was lost names it as the lines before did, and a label does not change meaning
 * when a node of the same name leaves.
 */
public final class KnownNodes {
    private final Map<String, String> names = new LinkedHashMap<>();
    private Map<String, String> labels = Map.of();

    /** Remembers {@code node} (again, under a new name if it came back renamed). */
    public synchronized void met(NodeInfo node) {
        if (!node.name().equals(names.put(node.id(), node.name()))) {
            labels = NodeNames.labels(names);
        }
    }

    /** The node's label: its name, with a piece of its id where another node has that name; the id if never met. */
    public synchronized String label(String nodeId) {
        return labels.getOrDefault(nodeId, nodeId);
    }
}
