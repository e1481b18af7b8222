package exo.peer;

/**
 * One hop of a session's ring: node {@code nodeId} runs layers [start, end), and can be dialed
 * at {@code address} ("host:port", empty when not given) by the node before it in the ring, so a
 * ring works even between nodes that had not met before the session.
 */
public record RingEntry(String nodeId, int start, int end, String address) {

    public RingEntry {
        Fields.nodeId(nodeId);
        if (start < 0 || start >= end) {
            throw new IllegalArgumentException("layers [" + start + ", " + end + ") of node " + nodeId + " are empty");
        }
        address = address == null ? "" : address;
        if (!address.isEmpty() && !address.matches("\\[?[A-Za-z0-9.:_-]+]?:\\d{1,5}")) {
            throw new IllegalArgumentException("node " + nodeId + " address '" + address + "' is not host:port");
        }
    }

    public RingEntry(String nodeId, int start, int end) {
        this(nodeId, start, end, "");
    }
}
