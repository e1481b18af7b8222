package exo.engine.java.tensor;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that split loops into chunks: {@code threads - 1} workers plus the
 * calling thread, which does its share instead of waiting idle. Built once by whoever owns the
 * model and closed with it; kernels never start threads of their own.
 *
 * <p>A forward pass calls {@link #forRange} some hundred times per token, a fraction of a
 * millisecond each, so waking the workers must cost microseconds: idle workers spin for a short
 * while before parking, and a call only unparks them. One call runs at a time; concurrent
 * callers are serialised.
 */
public final class WorkerPool implements AutoCloseable {

    /** A loop body over the half-open range [start, end). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    /**
     * How long an idle worker spins before parking: longer than the gap between two matmuls of a
     * token and than the imbalance at the end of one (at 50 µs, workers parked and paid a ~40 µs
     * wake-up hundreds of times a second on a 2048 x 8192 matvec).
     */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(250);

    private final Thread[] workers;
    private final Object callLock = new Object();
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    // Written before the volatile generation bump that publishes them.
    private RangeTask task;
    private int count;
    private int chunk;
    private volatile int generation;
    private volatile boolean closed;

    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a worker pool needs at least 1 thread, got " + threads);
        }
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("exo-kernel-" + (i + 1)).unstarted(this::workLoop);
            workers[i].start();
        }
    }

    /** Threads that run a loop, the caller's included. */
    public int threads() {
        return workers.length + 1;
    }

    /**
     * Runs {@code task} over [0, count) in chunks of {@code chunk} (the last may be shorter), on
     * all threads, and returns when every chunk is done. A failure in any chunk is rethrown here
     * after the others finish.
     */
    public void forRange(int count, int chunk, RangeTask task) {
        if (count < 0 || chunk < 1) {
            throw new IllegalArgumentException("count " + count + ", chunk " + chunk);
        }
        if (closed) {
            throw new IllegalStateException("worker pool is closed");
        }
        if (count == 0) {
            return;
        }
        if (workers.length == 0 || count <= chunk) {
            task.run(0, count);
            return;
        }
        synchronized (callLock) {
            this.task = task;
            this.count = count;
            this.chunk = chunk;
            nextChunk.set(0);
            failure.set(null);
            running.set(workers.length);
            generation++;
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            runChunks(task, count, chunk);
            while (running.get() != 0) {
                Thread.onSpinWait();
            }
            this.task = null;
            Throwable t = failure.get();
            if (t != null) {
                if (t instanceof RuntimeException r) {
                    throw r;
                }
                if (t instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(t);
            }
        }
    }

    private void runChunks(RangeTask task, int count, int chunk) {
        int chunks = (count + chunk - 1) / chunk;
        for (int c = nextChunk.getAndIncrement(); c < chunks; c = nextChunk.getAndIncrement()) {
            int start = c * chunk;
            try {
                task.run(start, Math.min(count, start + chunk));
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }
    }

    private void workLoop() {
        int seen = 0;
        while (true) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (generation == seen && !closed) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            runChunks(task, count, chunk);
            running.decrementAndGet();
        }
    }

    /** Stops the workers; loops already running finish first. */
    @Override
    public void close() {
        synchronized (callLock) {
            closed = true;
        }
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
