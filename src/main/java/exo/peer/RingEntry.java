package exo.peer;

/** One hop of a session's ring: node {@code nodeId} runs layers [start, end). */
public record RingEntry(String nodeId, int start, int end) {

    public RingEntry {
        Fields.nodeId(nodeId);
        if (start < 0 || start >= end) {
            throw new IllegalArgumentException("layers [" + start + ", " + end + ") of node " + nodeId + " are empty");
        }
    }
}
