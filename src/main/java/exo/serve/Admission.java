package exo.serve;

import exo.serve.http.ClientGone;
import exo.serve.http.ClientPresence;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many generations run at once ({@code --max-sessions}) and how many may wait for a turn
 * ({@code --queue}), first come first served. One more is refused at once with 429 and a
 * {@code Retry-After} from how long turns have lately lasted. A waiting request whose client
 * leaves gives up its place at once; so does every waiting one when the server stops.
 */
final class Admission {
    private final int maxSessions;
    private final int queue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private int running;
    private boolean stopped;
    /** Recent turns' length in seconds, smoothed: what a refused client is told to wait. */
    private double turnSeconds = 1;

    Admission(int maxSessions, int queue) {
        this.maxSessions = maxSessions;
        this.queue = queue;
    }

    /** A turn to generate; closing it gives it back. */
    interface Turn extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Waits for a turn.
     *
     * @throws ApiError   429 when the queue is full, 503 when the server stops meanwhile
     * @throws ClientGone when the client leaves while waiting
     */
    Turn enter(ClientPresence client) {
        Object ticket = new Object();
        lock.lock();
        try {
            if (stopped) {
                throw ApiError.stopping();
            }
            if (running < maxSessions && waiting.isEmpty()) {
                return turn();
            }
            if (waiting.size() >= queue) {
                throw ApiError.busy(retryAfter());
            }
            waiting.addLast(ticket);
        } finally {
            lock.unlock();
        }
        try (AutoCloseable hook = client.onGone(this::wake)) {
            lock.lock();
            try {
                while (true) {
                    if (client.gone()) {
                        throw new ClientGone();
                    }
                    if (stopped) {
                        throw ApiError.stopping();
                    }
                    if (waiting.peekFirst() == ticket && running < maxSessions) {
                        waiting.removeFirst();
                        return turn();
                    }
                    changed.await(1, TimeUnit.SECONDS);
                }
            } finally {
                if (waiting.remove(ticket)) {
                    changed.signalAll(); // the one behind may be first now
                }
                lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.stopping();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Turn turn() {
        running++;
        long started = System.nanoTime();
        boolean[] closed = {false};
        return () -> {
            lock.lock();
            try {
                if (closed[0]) {
                    return;
                }
                closed[0] = true;
                running--;
                turnSeconds = 0.8 * turnSeconds + 0.2 * ((System.nanoTime() - started) / 1e9);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        };
    }

    /** Seconds until a place is likely free: the queue ahead over the sessions, at recent turn lengths. */
    private int retryAfter() {
        double seconds = turnSeconds * (waiting.size() + 1) / maxSessions;
        return (int) Math.max(1, Math.min(60, Math.ceil(seconds)));
    }

    private void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses every waiting request and any later one (503): the server stops. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    int maxSessions() {
        return maxSessions;
    }

    int queue() {
        return queue;
    }
}
