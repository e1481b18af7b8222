package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import static exo.engine.java.tensor.Layouts.FLOAT;
import static exo.engine.java.tensor.Layouts.ORDER;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Plain little-endian f32 weights. */
public record F32Tensor(MemorySegment data, long elements) implements WeightTensor {

    public F32Tensor {
        WeightTensor.checkSize(GgmlType.F32, data, elements);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public float get(long index) {
        return data.getAtIndex(FLOAT, index);
    }

    @Override
    public float dot(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(GgmlType.F32, elements, offset, n, x, xOffset);
        return dot(VectorWidth.PREFERRED, data, offset, x, xOffset, n);
    }

    @Override
    public float dotScalar(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(GgmlType.F32, elements, offset, n, x, xOffset);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += data.getAtIndex(FLOAT, offset + i) * x[xOffset + i];
        }
        return sum;
    }

    @Override
    public void dequantize(long offset, float[] out, int outOffset, int n) {
        WeightTensor.checkRange(GgmlType.F32, elements, offset, n, out, outOffset);
        MemorySegment.copy(data, FLOAT, offset * Float.BYTES, out, outOffset, n);
    }

    /** Two accumulators so that consecutive FMAs do not wait on each other's latency. */
    static float dot(VectorWidth width, MemorySegment data, long offset, float[] x, int xOffset, int n) {
        VectorSpecies<Float> fs = width.species().floats();
        int lanes = fs.length();
        long base = offset * Float.BYTES;
        FloatVector acc0 = FloatVector.zero(fs);
        FloatVector acc1 = FloatVector.zero(fs);
        int i = 0;
        for (int upper = n & -(2 * lanes); i < upper; i += 2 * lanes) {
            acc0 = FloatVector.fromMemorySegment(fs, data, base + (long) i * Float.BYTES, ORDER)
                    .fma(FloatVector.fromArray(fs, x, xOffset + i), acc0);
            acc1 = FloatVector.fromMemorySegment(fs, data, base + (long) (i + lanes) * Float.BYTES, ORDER)
                    .fma(FloatVector.fromArray(fs, x, xOffset + i + lanes), acc1);
        }
        for (int upper = n & -lanes; i < upper; i += lanes) {
            acc0 = FloatVector.fromMemorySegment(fs, data, base + (long) i * Float.BYTES, ORDER)
                    .fma(FloatVector.fromArray(fs, x, xOffset + i), acc0);
        }
        float sum = Lanes.sum(acc0.add(acc1));
        for (; i < n; i++) {
            sum += data.get(FLOAT, base + (long) i * Float.BYTES) * x[xOffset + i];
        }
        return sum;
    }
}
