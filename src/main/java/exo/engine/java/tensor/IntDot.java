package exo.engine.java.tensor;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** Helpers shared by the integer kernels. */
final class IntDot {
    private IntDot() {
    }

    /**
     * Adds adjacent int16 lanes into int32 lanes (what x86's pmaddwd does after its multiply; the
     * Vector API has no such operation): an int32 lane holds the pair as hi << 16 | lo, and
     * arithmetic shifts recover both halves with their signs.
     */
    static IntVector pairSum(ShortVector products) {
        IntVector pairs = products.reinterpretAsInts();
        return pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(pairs.lanewise(VectorOperators.ASHR, 16));
    }
}
