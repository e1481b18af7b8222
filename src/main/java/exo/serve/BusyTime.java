package exo.serve;

/**
 * The time at least one generation was running, however many overlapped: a machine that
 * serves alone is busy while any request computes.
 */
final class BusyTime {
    private int running;
    private long since;
    private long total;

    synchronized void enter() {
        if (running++ == 0) {
            since = System.nanoTime();
        }
    }

    synchronized void exit() {
        if (--running == 0) {
            total += System.nanoTime() - since;
        }
    }

    /** Busy nanoseconds so far, the running stretch included. */
    synchronized long nanos() {
        return running > 0 ? total + System.nanoTime() - since : total;
    }
}
