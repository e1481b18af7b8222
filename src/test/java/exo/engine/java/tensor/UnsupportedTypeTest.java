package exo.engine.java.tensor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class UnsupportedTypeTest {
    @Test
    void typesWithoutKernelsAreRefusedClearly() {
        assertFalse(GgmlType.IQ2_XS.computable());
        exo.InvalidInputException e = assertThrows(exo.InvalidInputException.class,
                () -> WeightTensor.of(GgmlType.IQ2_XS, MemorySegment.ofArray(new byte[74]), 256));
        // The message names the type, what the engine does compute, and what to do instead.
        assertTrue(e.getMessage().contains("IQ2_XS"), e.getMessage());
        assertTrue(e.getMessage().contains("Q2_K-Q6_K"), e.getMessage());
        assertTrue(e.getMessage().contains("--engine"), e.getMessage());
        assertTrue(e.getMessage().contains("--quant"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> WeightTensor.of(GgmlType.Q8_0, MemorySegment.ofArray(new byte[33]), 32));
        assertThrows(IllegalArgumentException.class,
                () -> WeightTensor.of(GgmlType.Q4_K, MemorySegment.ofArray(new byte[143]), 256));
    }

    @Test
    void everyComputableTypeBuildsATensorAndNoOtherDoes() {
        for (GgmlType type : GgmlType.values()) {
            MemorySegment data = MemorySegment.ofArray(new byte[(int) type.byteSize(256)]);
            if (type.computable()) {
                WeightTensor.of(type, data, 256);
            } else {
                assertThrows(exo.InvalidInputException.class, () -> WeightTensor.of(type, data, 256), type.name());
            }
        }
    }
}
