package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import static exo.engine.java.tensor.Layouts.ORDER;
import static exo.engine.java.tensor.Layouts.SHORT;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** bfloat16 weights: the upper 16 bits of an f32. */
public record BF16Tensor(MemorySegment data, long elements) implements WeightTensor {

    public BF16Tensor {
        WeightTensor.checkSize(GgmlType.BF16, data, elements);
    }

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    @Override
    public float get(long index) {
        return Half.bf16ToFloat(data.getAtIndex(SHORT, index));
    }

    @Override
    public float dot(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(GgmlType.BF16, elements, offset, n, x, xOffset);
        return dot(VectorWidth.PREFERRED, data, offset, x, xOffset, n);
    }

    @Override
    public float dotScalar(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(GgmlType.BF16, elements, offset, n, x, xOffset);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += get(offset + i) * x[xOffset + i];
        }
        return sum;
    }

    @Override
    public void dequantize(long offset, float[] out, int outOffset, int n) {
        WeightTensor.checkRange(GgmlType.BF16, elements, offset, n, out, outOffset);
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = get(offset + i);
        }
    }

    static float dot(VectorWidth width, MemorySegment data, long offset, float[] x, int xOffset, int n) {
        Species s = width.species();
        int lanes = s.floats().length();
        int step = s.shorts().length();
        long base = offset * Short.BYTES;
        FloatVector acc = FloatVector.zero(s.floats());
        int i = 0;
        for (int upper = n - n % step; i < upper; i += step) {
            ShortVector h = ShortVector.fromMemorySegment(s.shorts(), data, base + (long) i * Short.BYTES, ORDER);
            for (int p = 0; p < s.shortParts(); p++) {
                // S2I sign-extends into the upper half; the shift pushes that back out.
                FloatVector w = h.convertShape(VectorOperators.S2I, s.ints(), p)
                        .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                acc = w.fma(FloatVector.fromArray(s.floats(), x, xOffset + i + p * lanes), acc);
            }
        }
        float sum = Lanes.sum(acc);
        for (; i < n; i++) {
            sum += Half.bf16ToFloat(data.get(SHORT, base + (long) i * Short.BYTES)) * x[xOffset + i];
        }
        return sum;
    }
}
