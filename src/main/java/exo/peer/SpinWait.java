package exo.peer;

import java.util.function.BooleanSupplier;

/**
 * Polling briefly before a thread parks. Waking a parked thread costs tens of microseconds on an
 * idle machine and a millisecond or more on a busy VM (the thread must be scheduled again), which
 * is several times what a message takes over loopback; a thread that has just worked and expects
 * the next message soon (a reply from a node whose step is short, the next step of a session)
 * polls for {@link #WINDOW_NANOS} first. The window is short against a step of a real model, so
 * a node that waits for another's long step spends little CPU on it. Every few polls the thread
 * yields, so that on a machine with fewer cores than busy threads the poller does not keep the
 * thread it waits for off the CPU.
 */
public final class SpinWait {
    /** How long a thread polls before it parks: longer than a hop over loopback, far shorter than a layer's step. */
    public static final long WINDOW_NANOS = 200_000;
    /** Polls between yields. */
    private static final int POLLS_PER_YIELD = 32;

    private SpinWait() {
    }

    /**
     * Polls {@code done} until it is true or {@code nanos} have passed; true when it became true.
     * The caller parks (or blocks) when this returns false.
     */
    public static boolean until(BooleanSupplier done, long nanos) {
        long start = System.nanoTime();
        for (int polls = 1; ; polls++) {
            if (done.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - start >= nanos) {
                return false;
            }
            pause(polls);
        }
    }

    /** One poll's pause: a spin hint, and every few polls a yield to threads waiting for this core. */
    public static void pause(int polls) {
        if (polls % POLLS_PER_YIELD == 0) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
    }
}
