package exo.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * This machine's memory read bandwidth, the physical limit of decoding (every generated token
 * reads every weight once): {@code threads} threads each sum their share of a buffer far larger
 * than the caches, with SIMD loads; the best of a few passes counts.
 */
public final class MemoryBandwidth {
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final long BUFFER = 1L << 30;
    private static final int PASSES = 4;

    private MemoryBandwidth() {
    }

    /** Bytes per second read by {@code threads} threads. */
    public static double measure(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1");
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().factory());
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(BUFFER, 64);
            buffer.fill((byte) 1); // touch every page, so the passes read memory, not fault it in
            long share = BUFFER / threads / LONGS.vectorByteSize() * LONGS.vectorByteSize();
            double best = 0;
            long sink = 0;
            for (int pass = 0; pass < PASSES; pass++) {
                List<Future<Long>> parts = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int t = 0; t < threads; t++) {
                    long from = t * share;
                    parts.add(pool.submit(() -> sum(buffer, from, from + share)));
                }
                for (Future<Long> f : parts) {
                    sink += f.get();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, share * threads / seconds);
            }
            if (sink == 42) {
                System.out.print(""); // keeps the sums alive
            }
            return best;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("bandwidth probe failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    private static long sum(MemorySegment s, long from, long to) {
        LongVector acc = LongVector.zero(LONGS);
        long step = LONGS.vectorByteSize();
        for (long at = from; at < to; at += step) {
            acc = acc.add(LongVector.fromMemorySegment(LONGS, s, at, ByteOrder.LITTLE_ENDIAN));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
