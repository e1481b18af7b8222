package exo.node;

import exo.peer.SpinWait;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs each session's work in the order it was given, on one of a fixed number of lanes (a
 * single thread each, chosen by the session's id), while other sessions' work runs at once on
 * the other lanes. A node's forwards of different sessions thus reach the engine together, and
 * an engine that can (ggml on quantized weights) computes their steps in one pass over its
 * weights; the engine itself decides how many graphs run at a time.
 *
 * <p>A lane that has just run a task polls for the next one for {@link SpinWait#WINDOW_NANOS}
 * before it parks: a ring of short steps (a small model, a tensor-parallel layer) hands the next
 * forward to a lane that is still awake, without the wakeup that a parked thread costs.
 */
final class SessionLanes {
    private static final System.Logger LOG = System.getLogger("exo.node");
    /** As many as a ggml engine takes into one decode graph. */
    static final int LANES = 16;

    private final List<Lane> lanes = new ArrayList<>();

    SessionLanes(String name, int count) {
        for (int i = 0; i < count; i++) {
            lanes.add(new Lane(name + "-" + i));
        }
    }

    /** Runs {@code task} after every task given before for {@code session}. */
    void execute(String session, Runnable task) {
        lanes.get(Math.floorMod(session.hashCode(), lanes.size())).execute(task);
    }

    /** Lets queued tasks finish and takes no more. */
    void shutdown() {
        lanes.forEach(l -> l.stop(false));
    }

    /** Drops queued tasks, interrupts running ones and takes no more. */
    void shutdownNow() {
        lanes.forEach(l -> l.stop(true));
    }

    /** Waits up to {@code timeout} in all for every lane to finish; true when they all did. */
    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Lane lane : lanes) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return !lanes.stream().anyMatch(l -> l.thread.isAlive());
            }
            lane.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            if (lane.thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** One thread and its queue. */
    private static final class Lane {
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean parked;
        private volatile boolean stopped;

        Lane(String name) {
            thread = Thread.ofPlatform().name(name).daemon().unstarted(this::loop);
            thread.start();
        }

        void execute(Runnable task) {
            if (stopped) {
                throw new RejectedExecutionException("lane " + thread.getName() + " is shut down");
            }
            tasks.add(task);
            // Paired with the lane's parked-then-recheck: either it sees the task or this sees it parked.
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        void stop(boolean now) {
            stopped = true;
            if (now) {
                tasks.clear();
                thread.interrupt();
            }
            LockSupport.unpark(thread);
        }

        private void loop() {
            while (true) {
                Runnable task = tasks.poll();
                if (task != null) {
                    run(task);
                    continue;
                }
                if (stopped) {
                    return;
                }
                if (SpinWait.until(() -> !tasks.isEmpty() || stopped, SpinWait.WINDOW_NANOS)) {
                    continue;
                }
                parked = true;
                if (tasks.isEmpty() && !stopped) {
                    LockSupport.park(this);
                }
                parked = false;
                Thread.interrupted(); // an interrupt of the last task must not end the next one's wait
            }
        }

        private void run(Runnable task) {
            try {
                task.run();
            } catch (RuntimeException e) {
                // As an executor would: the task's failure is its own, the lane goes on.
                LOG.log(System.Logger.Level.WARNING, "a task on lane " + thread.getName() + " failed", e);
            }
        }
    }
}
