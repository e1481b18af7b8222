package exo.peer;

/**
 * What one node spent on one forward of a session, appended by each node the forward passes
 * through so that the tail can split a round trip into computing, queueing and the wire.
 * Both figures are durations on the node's own clock, so no clocks need to agree.
 *
 * @param queueNanos   from the forward's arrival to the start of its compute (other sessions ahead of it)
 * @param computeNanos running the node's layers on it
 */
public record HopTrace(long queueNanos, long computeNanos) {
    /** Each node of a ring adds one; a ring is far shorter than this. */
    public static final int MAX_HOPS = 255;

    public HopTrace {
        Fields.nonNegative(queueNanos, "queue nanos");
        Fields.nonNegative(computeNanos, "compute nanos");
    }
}
