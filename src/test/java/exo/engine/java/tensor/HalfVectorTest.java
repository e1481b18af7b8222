package exo.engine.java.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The lane-wise binary16 decoder agrees bit for bit with Float.float16ToFloat on all 65536 inputs. */
class HalfVectorTest {

    static Iterable<VectorWidth> widths() {
        return VectorWidth.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("widths")
    void decodesEveryHalf(VectorWidth width) {
        VectorSpecies<Integer> ints = width.species().ints();
        int lanes = ints.length();
        int[] bits = new int[65536];
        for (int i = 0; i < bits.length; i++) {
            // Sign-extended, as S2I leaves a short in an int lane.
            bits[i] = (short) i;
        }
        float[] decoded = new float[lanes];
        for (int i = 0; i < bits.length; i += lanes) {
            FloatVector v = F16Tensor.toFloat(IntVector.fromArray(ints, bits, i));
            v.intoArray(decoded, 0);
            for (int l = 0; l < lanes; l++) {
                int half = bits[i + l] & 0xFFFF;
                float expected = Float.float16ToFloat((short) half);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(decoded[l]),
                        () -> "half bits 0x" + Integer.toHexString(half));
            }
        }
    }
}
