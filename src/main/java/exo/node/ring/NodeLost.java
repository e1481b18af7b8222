package exo.node.ring;

/** A node of the ring is gone (its connection closed, its heartbeats stopped, or it never answered). */
public final class NodeLost extends RingException {
    private final String nodeId;
    private final String name;
    private final String reason;

    /** @param name the node's label for the person ("studio"; the id only where nothing shorter is unique) */
    public NodeLost(String nodeId, String name, String reason) {
        super("node " + name + " was lost: " + reason);
        this.nodeId = nodeId;
        this.name = name;
        this.reason = reason;
    }

    public String nodeId() {
        return nodeId;
    }

    /** The node's name for the person, as "studio". */
    public String name() {
        return name;
    }

    /** Why it is taken for lost: "connection closed", "no heartbeat for 3 s". */
    public String reason() {
        return reason;
    }
}
