package exo.serve;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many generations run at once ({@code --max-sessions}) and how many may wait for a turn
 * ({@code --queue}); one more is refused at once with 429 rather than left to time out.
 */
final class Admission {
    private final Semaphore running;
    private final int queue;
    private final AtomicInteger waiting = new AtomicInteger();

    Admission(int maxSessions, int queue) {
        this.running = new Semaphore(maxSessions, true);
        this.queue = queue;
    }

    /** Waits for a turn; the returned handle gives it back. */
    AutoCloseable enter() throws InterruptedException {
        if (!running.tryAcquire()) {
            if (waiting.incrementAndGet() > queue) {
                waiting.decrementAndGet();
                throw new ApiError(429, "rate_limit_exceeded", null, "queue_full",
                        "the server is busy: every session is taken and the queue is full; try again shortly");
            }
            try {
                running.acquire();
            } finally {
                waiting.decrementAndGet();
            }
        }
        return running::release;
    }

    int waiting() {
        return waiting.get();
    }

    int running(int maxSessions) {
        return maxSessions - running.availablePermits();
    }
}
