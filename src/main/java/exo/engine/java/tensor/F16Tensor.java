package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/** IEEE binary16 weights. */
public record F16Tensor(MemorySegment data, long elements) implements HalfTensor {

    public F16Tensor {
        WeightTensor.checkSize(GgmlType.F16, data, elements);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public float widen(short bits) {
        return Half.f16ToFloat(bits);
    }

    @Override
    public FloatVector widen(IntVector bits) {
        return toFloat(bits);
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
