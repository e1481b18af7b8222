package exo.engine.java.tensor;

import exo.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/** bfloat16 weights: the upper 16 bits of an f32. */
public record BF16Tensor(MemorySegment data, long elements) implements HalfTensor {

    public BF16Tensor {
        WeightTensor.checkSize(GgmlType.BF16, data, elements);
    }

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    @Override
    public float widen(short bits) {
        return Half.bf16ToFloat(bits);
    }

    /** S2I sign-extended the upper half; the shift pushes that back out. */
    @Override
    public FloatVector widen(IntVector bits) {
        return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
