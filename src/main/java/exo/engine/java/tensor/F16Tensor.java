package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import static exo.engine.java.tensor.Layouts.ORDER;
import static exo.engine.java.tensor.Layouts.SHORT;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/** IEEE binary16 weights. */
public record F16Tensor(MemorySegment data, long elements) implements WeightTensor {

    public F16Tensor {
        WeightTensor.checkSize(GgmlType.F16, data, elements);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public float get(long index) {
        return Half.f16ToFloat(data.getAtIndex(SHORT, index));
    }

    @Override
    public float dot(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(GgmlType.F16, elements, offset, n, x, xOffset);
        return dot(VectorWidth.PREFERRED, data, offset, x, xOffset, n);
    }

    @Override
    public float dotScalar(long offset, float[] x, int xOffset, int n) {
        WeightTensor.checkRange(GgmlType.F16, elements, offset, n, x, xOffset);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += get(offset + i) * x[xOffset + i];
        }
        return sum;
    }

    @Override
    public void dequantize(long offset, float[] out, int outOffset, int n) {
        WeightTensor.checkRange(GgmlType.F16, elements, offset, n, out, outOffset);
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
                IntVector bits = (IntVector) h.convertShape(VectorOperators.S2I, s.ints(), p);
                acc = toFloat(bits).fma(FloatVector.fromArray(s.floats(), x, xOffset + i + p * lanes), acc);
            }
        }
        float sum = Lanes.sum(acc);
        for (; i < n; i++) {
            sum += Half.f16ToFloat(data.get(SHORT, base + (long) i * Short.BYTES)) * x[xOffset + i];
        }
        return sum;
    }

    /**
     * binary16 to f32 in lanes (the low 16 bits of each int; the rest is ignored). Exponent and
     * mantissa shifted into f32 position read as a number 2^112 too small, subnormals included,
     * so one exact multiply rescales them; infinities and NaNs instead get the all-ones exponent,
     * and NaNs the quiet bit, as Float.float16ToFloat and x86's vcvtph2ps give them.
     */
    static FloatVector toFloat(IntVector halfBits) {
        IntVector magnitude = halfBits.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00);
        VectorMask<Integer> nan = magnitude.compare(VectorOperators.GT, 0x7C00);
        IntVector nonFinite = shifted.or(0x7F800000).lanewise(VectorOperators.OR, 0x00400000, nan);
        IntVector sign = halfBits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        return finite.blend(nonFinite, special).or(sign).reinterpretAsFloats();
    }
}
