package exo.peer;

import java.util.List;
import java.util.Objects;

/**
 * One session as one node sees it, for `exo ps`: the ring it runs on (node ids, head first,
 * tail last), the layers this node runs for it, how many positions its KV cache holds here,
 * and how long since it last ran here.
 */
public record SessionStatus(String sessionId, String modelId, List<String> ring, int start, int end, int tokens,
                            long idleMillis) {
    public SessionStatus {
        Fields.sessionId(sessionId);
        Fields.name(modelId, "model id", 256);
        Objects.requireNonNull(ring, "ring");
        ring = List.copyOf(ring);
        if (ring.isEmpty() || ring.size() > HopTrace.MAX_HOPS) {
            throw new IllegalArgumentException("a ring has 1 to " + HopTrace.MAX_HOPS + " nodes, not " + ring.size());
        }
        ring.forEach(Fields::nodeId);
        if (start < 0 || start >= end) {
            throw new IllegalArgumentException("layers [" + start + ", " + end + ") of session " + sessionId + " are empty");
        }
        Fields.nonNegative(tokens, "tokens");
        Fields.nonNegative(idleMillis, "idle millis");
    }

    /** The node whose conversation this is. */
    public String tail() {
        return ring.getLast();
    }
}
