package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Times matvec and batched matmul over Q8_0 and Q4_0 matrices of Llama-1B shapes. Each case
 * cycles through enough copies of its matrix (over 256 MB) that weights come from DRAM, as in
 * decode, rather than from the 32 MB L3. Not a test: speed is reported, never asserted.
 *
 * <p>Arguments: [seconds per case, default 2] [batch for the prefill form, default 8] [threads,
 * default 1,2] [types, default Q8_0,Q4_0]. With one thread the caller's CPU time is reported too:
 * on a shared machine it is steadier than wall time.
 */
public final class MatmulBench {

    private static final long COPY_BYTES = 256L << 20;

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        System.out.printf("species %s, %d cpus%n", VectorWidth.PREFERRED, Runtime.getRuntime().availableProcessors());
        try (Arena arena = Arena.ofShared()) {
        int[] threadCounts = java.util.Arrays.stream((args.length > 2 ? args[2] : "1,2").split(","))
                .mapToInt(Integer::parseInt).toArray();
        GgmlType[] types = java.util.Arrays.stream((args.length > 3 ? args[3] : "Q8_0,Q4_0").split(","))
                .map(GgmlType::valueOf).toArray(GgmlType[]::new);
            for (GgmlType type : types) {
                for (int[] shape : new int[][] {{2048, 8192}, {8192, 2048}}) {
                    WeightTensor[] copies = copies(arena, type, shape[0], shape[1]);
                    for (int threads : threadCounts) {
                        try (WorkerPool pool = new WorkerPool(threads)) {
                            for (Matmul.Activations mode : Matmul.Activations.values()) {
                                Matmul matmul = new Matmul(pool, mode);
                                run(matmul, threads, copies, shape[0], shape[1], 1, seconds);
                                run(matmul, threads, copies, shape[0], shape[1], batch, seconds);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void run(Matmul matmul, int threads, WeightTensor[] copies, int rows, int cols, int batch,
                            double seconds) {
        float[] x = TestTensors.gaussian(new Random(1), batch * cols, 1f);
        float[] out = new float[batch * rows];
        long bytes = copies[0].data().byteSize();
        long warmEnd = System.nanoTime() + (long) (seconds * 0.5e9);
        int i = 0;
        while (System.nanoTime() < warmEnd) {
            step(matmul, copies[i++ % copies.length], rows, cols, batch, x, out);
        }
        int calls = 0;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            step(matmul, copies[i++ % copies.length], rows, cols, batch, x, out);
            calls++;
            now = System.nanoTime();
        } while (now < end);
        double ms = (now - start) / 1e6 / calls;
        double cpuMs = (mx.getCurrentThreadCpuTime() - cpu0) / 1e6 / calls;
        System.out.printf("%-5s %5d x %-5d x=%-3s threads %d batch %2d: %8.3f ms/call %6.1f GB/s of weights"
                        + " (caller cpu %.3f ms/call, %.1f GB/s)%n",
                copies[0].type(), rows, cols, matmul.activations(), threads, batch, ms, bytes / ms / 1e6, cpuMs,
                bytes / cpuMs / 1e6);
    }

    private static void step(Matmul matmul, WeightTensor w, int rows, int cols, int batch, float[] x, float[] out) {
        if (batch == 1) {
            matmul.matvec(w, rows, cols, x, 0, out, 0);
        } else {
            matmul.matmul(w, rows, cols, batch, x, out);
        }
    }

    /** Random quants with a fixed, modest fp16 scale in every block: valid for both formats. */
    private static WeightTensor[] copies(Arena arena, GgmlType type, int rows, int cols) {
        long elements = (long) rows * cols;
        long size = type.byteSize(elements);
        int count = (int) Math.max(2, COPY_BYTES / size);
        Random random = new Random(42);
        byte[] block = new byte[(int) size];
        random.nextBytes(block);
        short scale = Float.floatToFloat16(0.01f);
        for (int b = 0; b < size; b += type.bytesPerBlock()) {
            block[b] = (byte) scale;
            block[b + 1] = (byte) (scale >> 8);
        }
        WeightTensor[] copies = new WeightTensor[count];
        for (int c = 0; c < count; c++) {
            MemorySegment segment = arena.allocate(size, 64);
            MemorySegment.copy(MemorySegment.ofArray(block), 0, segment, 0, size);
            copies[c] = WeightTensor.of(type, segment, elements);
        }
        return copies;
    }
}
