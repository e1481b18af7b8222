package exo.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class GgmlTypeTest {

    @Test
    void idsRoundTrip() {
        for (GgmlType t : GgmlType.values()) {
            assertEquals(t, GgmlType.fromId(t.id()));
        }
        assertEquals(GgmlType.Q8_0, GgmlType.fromId(8));
        assertEquals(GgmlType.BF16, GgmlType.fromId(30));
    }

    @Test
    void unknownIdsAreRejectedWithTheId() {
        for (int id : new int[] {4, 5, 31, 39, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GgmlType.fromId(id));
            assertTrue(e.getMessage().contains(" " + id), e.getMessage());
        }
    }

    @Test
    void byteSizesFollowBlocks() {
        assertEquals(4 * 10, GgmlType.F32.byteSize(10));
        assertEquals(34 * 64, GgmlType.Q8_0.byteSize(2048));
        assertEquals(18 * 64, GgmlType.Q4_0.byteSize(2048));
        assertEquals(210 * 8, GgmlType.Q6_K.byteSize(2048));
        assertEquals(144L * 32000 * 8, GgmlType.Q4_K.byteSize(2048L * 32000));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.Q8_0.byteSize(33));
    }
}
