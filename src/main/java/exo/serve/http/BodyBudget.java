package exo.serve.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies held at once, all connections together: many clients each
 * sending the largest body allowed must not add up to more memory than the server has.
 */
final class BodyBudget {
    private final long max;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long max) {
        this.max = max;
    }

    /** Takes {@code bytes} if they fit; false (nothing taken) when they do not. */
    boolean take(long bytes) {
        while (true) {
            long now = held.get();
            if (now + bytes > max) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void give(long bytes) {
        held.addAndGet(-bytes);
    }
}
