package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;

/**
 * Scratch probe, one thread, CPU time: read bandwidth of a plain vector sum over DRAM-sized
 * data, and the F32 matvec kernels on cache-resident vs DRAM-resident rows. Not a test.
 */
public final class KernelProbe {
    static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        try (Arena arena = Arena.ofShared()) {
            long big = 512L << 20;
            MemorySegment seg = arena.allocate(big, 64);
            Random rnd = new Random(1);
            byte[] chunk = new byte[1 << 20];
            rnd.nextBytes(chunk);
            for (long o = 0; o < big; o += chunk.length) {
                MemorySegment.copy(MemorySegment.ofArray(chunk), 0, seg, o, chunk.length);
            }
            for (int rep = 0; rep < 3; rep++) {
                long c0 = MX.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                long bytes = 0;
                int sink = 0;
                while (System.nanoTime() - w0 < seconds * 1e9) {
                    sink += sum(seg);
                    bytes += big;
                }
                long c1 = MX.getCurrentThreadCpuTime();
                System.out.printf("stream: %.1f GB/s cpu, %.1f GB/s wall (%d)%n", bytes / (double) (c1 - c0),
                        bytes / (double) (System.nanoTime() - w0), sink & 1);
            }
            for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
                int cols = 2048;
                for (int rows : new int[] {128, 8192 * 16}) {
                    long size = type.byteSize((long) rows * cols);
                    MemorySegment m = seg.asSlice(0, size);
                    for (long b = 0; b < size; b += type.bytesPerBlock()) {
                        m.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, b, Float.floatToFloat16(0.01f));
                    }
                    float[] x = new float[cols];
                    for (int i = 0; i < cols; i++) {
                        x[i] = (float) rnd.nextGaussian();
                    }
                    float[] out = new float[rows];
                    try (WorkerPool pool = new WorkerPool(1)) {
                        Matmul mm = new Matmul(pool, Matmul.Activations.F32);
                        Matmul mq = new Matmul(pool, Matmul.Activations.Q8);
                        WeightTensor w = WeightTensor.of(type, m, (long) rows * cols);
                        for (Matmul mul : new Matmul[] {mm, mq, mm, mq}) {
                            com.sun.management.ThreadMXBean smx = (com.sun.management.ThreadMXBean) MX;
                            long a0 = smx.getCurrentThreadAllocatedBytes();
                            long c0 = MX.getCurrentThreadCpuTime();
                            long w0 = System.nanoTime();
                            long bytes = 0;
                            long calls = 0;
                            while (System.nanoTime() - w0 < seconds * 1e9) {
                                mul.matvec(w, rows, cols, x, 0, out, 0);
                                bytes += size;
                                calls++;
                            }
                            long c1 = MX.getCurrentThreadCpuTime();
                            long alloc = (smx.getCurrentThreadAllocatedBytes() - a0) / calls;
                            System.out.printf("%s rows %d x=%s: %.1f GB/s cpu, %.1f GB/s wall, %d B allocated/call%n",
                                    type, rows, mul.activations(), bytes / (double) (c1 - c0), 
                                    bytes / (double) (System.nanoTime() - w0), alloc);
                        }
                    }
                }
            }
        }
    }

    static int sum(MemorySegment seg) {
        IntVector acc0 = IntVector.zero(IntVector.SPECIES_512);
        IntVector acc1 = acc0;
        long n = seg.byteSize();
        for (long o = 0; o < n; o += 128) {
            acc0 = acc0.add(ByteVector.fromMemorySegment(ByteVector.SPECIES_512, seg, o, Layouts.ORDER).reinterpretAsInts());
            acc1 = acc1.add(ByteVector.fromMemorySegment(ByteVector.SPECIES_512, seg, o + 64, Layouts.ORDER).reinterpretAsInts());
        }
        return acc0.add(acc1).lane(0);
    }
}
