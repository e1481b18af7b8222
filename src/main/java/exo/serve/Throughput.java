package exo.serve;

import java.util.ArrayDeque;

/** Tokens generated over the last few seconds, all sessions together: the page's live tokens/s. */
final class Throughput {
    private static final long WINDOW_NANOS = 5_000_000_000L;
    private final ArrayDeque<Long> times = new ArrayDeque<>();

    synchronized void token() {
        long now = System.nanoTime();
        times.addLast(now);
        trim(now);
    }

    synchronized double tokensPerSecond() {
        long now = System.nanoTime();
        trim(now);
        return times.size() / (WINDOW_NANOS / 1e9);
    }

    private void trim(long now) {
        while (!times.isEmpty() && now - times.peekFirst() > WINDOW_NANOS) {
            times.removeFirst();
        }
    }
}
