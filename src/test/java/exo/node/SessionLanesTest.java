package exo.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SessionLanesTest {

    @Test
    void eachSessionsTasksRunInOrderWhetherTheLaneIsAwakeOrParked() throws Exception {
        SessionLanes lanes = new SessionLanes("test-lanes", 3);
        try {
            List<Integer> a = Collections.synchronizedList(new ArrayList<>());
            List<Integer> b = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(2000);
            for (int i = 0; i < 1000; i++) {
                int n = i;
                lanes.execute("a", () -> { a.add(n); done.countDown(); });
                lanes.execute("b", () -> { b.add(n); done.countDown(); });
                if (i % 100 == 0) {
                    Thread.sleep(2); // long past the spin window: the lanes park and must be woken
                }
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            List<Integer> expected = java.util.stream.IntStream.range(0, 1000).boxed().toList();
            assertEquals(expected, a);
            assertEquals(expected, b);
        } finally {
            lanes.shutdownNow();
        }
    }

    @Test
    void aFailingTaskLeavesItsLaneRunning() throws Exception {
        SessionLanes lanes = new SessionLanes("test-lanes", 1);
        try {
            CountDownLatch after = new CountDownLatch(1);
            lanes.execute("s", () -> {
                throw new IllegalStateException("a task's own failure");
            });
            lanes.execute("s", after::countDown);
            assertTrue(after.await(10, TimeUnit.SECONDS));
        } finally {
            lanes.shutdownNow();
        }
    }

    @Test
    void shutdownLetsQueuedTasksFinishAndRefusesNewOnes() throws Exception {
        SessionLanes lanes = new SessionLanes("test-lanes", 2);
        CountDownLatch ran = new CountDownLatch(3);
        lanes.execute("s", () -> sleep(50));
        for (int i = 0; i < 3; i++) {
            lanes.execute("s", ran::countDown);
        }
        lanes.shutdown();
        assertThrows(RejectedExecutionException.class, () -> lanes.execute("s", () -> { }));
        assertTrue(lanes.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(0, ran.getCount());
    }

    @Test
    void shutdownNowInterruptsTheRunningTaskAndEndsEveryLane() throws Exception {
        SessionLanes lanes = new SessionLanes("test-lanes", 2);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        lanes.execute("s", () -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        lanes.shutdownNow();
        assertTrue(interrupted.await(10, TimeUnit.SECONDS));
        assertTrue(lanes.awaitTermination(10, TimeUnit.SECONDS));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
