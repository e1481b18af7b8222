package exo.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs each session's work in the order it was given, on one of a fixed number of lanes (a
 * single thread each, chosen by the session's id), while other sessions' work runs at once on
 * the other lanes. A node's forwards of different sessions thus reach the engine together, and
 * an engine that can (ggml on quantized weights) computes their steps in one pass over its
 * weights; the engine itself decides how many graphs run at a time.
 */
final class SessionLanes {
    /** As many as a ggml engine takes into one decode graph. */
    static final int LANES = 16;

    private final List<ExecutorService> lanes = new ArrayList<>();

    SessionLanes(String name, int count) {
        for (int i = 0; i < count; i++) {
            lanes.add(Executors.newSingleThreadExecutor(Thread.ofPlatform().name(name + "-" + i).daemon().factory()));
        }
    }

    /** Runs {@code task} after every task given before for {@code session}. */
    void execute(String session, Runnable task) {
        lanes.get(Math.floorMod(session.hashCode(), lanes.size())).execute(task);
    }

    /** Lets queued tasks finish and takes no more. */
    void shutdown() {
        lanes.forEach(ExecutorService::shutdown);
    }

    void shutdownNow() {
        lanes.forEach(ExecutorService::shutdownNow);
    }

    /** Waits up to {@code timeout} in all for every lane to finish; true when they all did. */
    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (ExecutorService lane : lanes) {
            if (!lane.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }
}
