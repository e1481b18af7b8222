package exo.node.ring;

/** A node of the ring is gone (its connection closed, its heartbeats stopped, or it never answered). */
public final class NodeLost extends RingException {
    private final String nodeId;
    private final String name;

    public NodeLost(String nodeId, String name, String reason) {
        super("node " + name + " (" + nodeId + ") was lost: " + reason);
        this.nodeId = nodeId;
        this.name = name;
    }

    public String nodeId() {
        return nodeId;
    }

    /** The node's name for the person, as "studio". */
    public String name() {
        return name;
    }
}
