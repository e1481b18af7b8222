package exo.engine.java.tensor;

import static exo.engine.java.tensor.Layouts.ORDER;
import static exo.engine.java.tensor.Layouts.SHORT;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Weights stored as 16-bit floats, IEEE binary16 ({@link F16Tensor}) or bfloat16
 * ({@link BF16Tensor}): one value per short, widened to f32 before it is used. The two differ
 * only in how a 16-bit value becomes an f32, one value at a time and in vector lanes.
 */
public sealed interface HalfTensor extends WeightTensor permits F16Tensor, BF16Tensor {

    /** One stored value as f32. */
    float widen(short bits);

    /** Lanes of stored values (the low 16 bits of each int, the rest ignored) as f32. */
    FloatVector widen(IntVector bits);

    @Override
    default float get(long index) {
        return widen(data().getAtIndex(SHORT, index));
    }

    @Override
    default float dot(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(type(), elements(), offset, n, x, xOffset);
        return dot(VectorWidth.PREFERRED, offset, x, xOffset, n);
    }

    @Override
    default float dotScalar(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(type(), elements(), offset, n, x, xOffset);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += get(offset + i) * x[xOffset + i];
        }
        return sum;
    }

    @Override
    default void dequantize(long offset, float[] out, int outOffset, int n) {
        WeightTensor.checkRange(type(), elements(), offset, n, out, outOffset);
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = get(offset + i);
        }
    }

    /** {@link #dot} at {@code width}, unchecked: shorts loaded a vector at a time, widened, one FMA per lane. */
    default float dot(VectorWidth width, long offset, float[] x, int xOffset, int n) {
        Species s = width.species();
        MemorySegment data = data();
        int lanes = s.floats().length();
        int step = s.shorts().length();
        long base = offset * Short.BYTES;
        FloatVector acc = FloatVector.zero(s.floats());
        int i = 0;
        for (int upper = n - n % step; i < upper; i += step) {
            ShortVector h = ShortVector.fromMemorySegment(s.shorts(), data, base + (long) i * Short.BYTES, ORDER);
            for (int p = 0; p < s.shortParts(); p++) {
                IntVector bits = (IntVector) h.convertShape(VectorOperators.S2I, s.ints(), p);
                acc = widen(bits).fma(FloatVector.fromArray(s.floats(), x, xOffset + i + p * lanes), acc);
            }
        }
        float sum = Lanes.sum(acc);
        for (; i < n; i++) {
            sum += widen(data.get(SHORT, base + (long) i * Short.BYTES)) * x[xOffset + i];
        }
        return sum;
    }
}
