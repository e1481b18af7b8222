package exo.engine.java.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void everyIndexRunsExactlyOnce() {
        for (int threads = 1; threads <= 4; threads++) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (int round = 0; round < 200; round++) {
                    int count = 1 + round * 7;
                    AtomicIntegerArray hits = new AtomicIntegerArray(count);
                    pool.forRange(count, 1 + round % 13, (start, end) -> {
                        for (int i = start; i < end; i++) {
                            hits.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < count; i++) {
                        assertEquals(1, hits.get(i), "threads " + threads + " round " + round + " index " + i);
                    }
                }
            }
        }
    }

    @Test
    void aFailingChunkIsRethrownAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(3)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.forRange(100, 1, (s, t) -> {
                if (s == 57) {
                    throw new IllegalStateException("chunk 57");
                }
            }));
            assertEquals("chunk 57", e.getMessage());
            AtomicIntegerArray hits = new AtomicIntegerArray(100);
            pool.forRange(100, 3, (s, t) -> {
                for (int i = s; i < t; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 100; i++) {
                assertEquals(1, hits.get(i));
            }
        }
    }

    @Test
    void closedPoolRefusesWork() {
        WorkerPool pool = new WorkerPool(3);
        pool.forRange(10, 1, (s, t) -> { });
        pool.close();
        pool.close();
        assertThrows(IllegalStateException.class, () -> pool.forRange(10, 1, (s, t) -> { }));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new WorkerPool(0));
        try (WorkerPool pool = new WorkerPool(1)) {
            assertThrows(IllegalArgumentException.class, () -> pool.forRange(5, 0, (s, t) -> { }));
        }
    }
}
