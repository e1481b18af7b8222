package exo.node;

/**
 * This node's time spent computing, counted once however many forwards compute at once. With
 * several lanes, forwards overlap in the engine (they share a decode graph, or wait for the one
 * running), so the sum of their durations exceeds the time the node was busy. Each forward
 * instead takes, when it ends, the busy time accrued since the previous forward ended: the
 * takes add up to the node's busy time, which is what a tail's utilisation figures need.
 */
final class BusyClock {
    private int active;
    private long busySince;
    private long untaken;

    /** A forward starts computing. */
    synchronized void enter(long now) {
        if (active++ == 0) {
            busySince = now;
        }
    }

    /** A forward is done; returns the busy nanoseconds it takes (those since the last take). */
    synchronized long exit(long now) {
        untaken += now - busySince;
        busySince = now;
        active--;
        long taken = untaken;
        untaken = 0;
        return taken;
    }
}
