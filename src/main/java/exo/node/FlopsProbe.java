package exo.node;

import exo.engine.java.tensor.Matmul;
import exo.engine.java.tensor.WeightTensor;
import exo.engine.java.tensor.WorkerPool;
import exo.gguf.GgmlType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A rough compute figure for peers to compare machines by: F32 multiply-adds per second of the
 * engine's own matvec kernel on a small cached matrix, measured once (600 calls, a fraction of a second)
 * and kept in the exo home directory, since it does not change between runs of one machine.
 */
public final class FlopsProbe {
    static final String FILE = "flops";
    private static final int ROWS = 512;
    private static final int COLS = 1024;

    private FlopsProbe() {
    }

    public static double cachedOrMeasure(ExoHome home, WorkerPool pool) throws IOException {
        Path file = home.resolve(FILE);
        if (Files.isRegularFile(file)) {
            try {
                double v = Double.parseDouble(Files.readString(file).strip());
                if (v > 0) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // measure again below
            }
        }
        double flops = measure(pool);
        home.ensure();
        Files.writeString(file, String.format(Locale.ROOT, "%.0f%n", flops));
        return flops;
    }

    public static double measure(WorkerPool pool) {
        float[] weights = new float[ROWS * COLS];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (i % 7) * 0.01f;
        }
        WeightTensor w = WeightTensor.of(GgmlType.F32, MemorySegment.ofArray(weights), weights.length);
        float[] x = new float[COLS];
        float[] out = new float[ROWS];
        Matmul mm = new Matmul(pool, Matmul.Activations.F32);
        for (int i = 0; i < 200; i++) { // warm up the JIT
            mm.matvec(w, ROWS, COLS, x, 0, out, 0);
        }
        int calls = 400;
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            x[i % COLS] = out[i % ROWS]; // feed results back so no call can be skipped
            mm.matvec(w, ROWS, COLS, x, 0, out, 0);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return 2.0 * ROWS * COLS * calls / seconds;
    }
}
