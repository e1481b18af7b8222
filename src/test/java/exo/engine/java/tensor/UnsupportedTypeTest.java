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
        assertFalse(GgmlType.Q4_K.computable());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightTensor.of(GgmlType.Q4_K, MemorySegment.ofArray(new byte[144]), 256));
        assertTrue(e.getMessage().contains("Q4_K"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> WeightTensor.of(GgmlType.Q8_0, MemorySegment.ofArray(new byte[33]), 32));
    }
}
