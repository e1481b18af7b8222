package exo.node.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrefillSplitTest {

    @Test
    void aPromptIsCutIntoAboutFourNearEqualChunksPerNode() {
        List<PrefillSplit.Chunk> c = PrefillSplit.microBatches(128, 2, 8192);
        assertEquals(8, c.size());
        c.forEach(k -> assertEquals(16, k.count()));
        assertEquals(12, PrefillSplit.microBatches(512, 3, 8192).size());
    }

    @Test
    void chunksCoverThePromptInOrderAndNeverHoldOnePosition() {
        for (int length = 1; length <= 5000; length += length < 700 ? 1 : 97) {
            for (int nodes = 2; nodes <= 4; nodes++) {
                List<PrefillSplit.Chunk> c = PrefillSplit.microBatches(length, nodes, length % 2 == 0 ? 256 : 8192);
                int at = 0;
                for (PrefillSplit.Chunk k : c) {
                    assertEquals(at, k.from());
                    assertTrue(k.count() <= (length % 2 == 0 ? 256 : 8192), "within a frame");
                    assertTrue(k.count() <= PrefillSplit.MAX_CHUNK, "within an engine's own micro-batch");
                    assertTrue(c.size() == 1 || k.count() >= PrefillSplit.MIN_CHUNK / 2,
                            length + " positions on " + nodes + " nodes: a chunk of " + k.count());
                    at = k.to();
                }
                assertEquals(length, at);
            }
        }
    }

    @Test
    void shortPromptsAndOneNodeRingsAreNotCut() {
        assertEquals(List.of(new PrefillSplit.Chunk(0, 16)), PrefillSplit.microBatches(16, 2, 8192));
        assertEquals(List.of(new PrefillSplit.Chunk(0, 1)), PrefillSplit.microBatches(1, 3, 8192));
        assertEquals(List.of(new PrefillSplit.Chunk(0, 300)), PrefillSplit.microBatches(300, 1, 8192));
    }

    @Test
    void withoutMicroBatchesAPromptIsCutOnlyWhereAFrameMustBe() {
        assertEquals(List.of(new PrefillSplit.Chunk(0, 512), new PrefillSplit.Chunk(512, 700)),
                PrefillSplit.frames(700, 512));
        assertThrows(IllegalArgumentException.class, () -> PrefillSplit.frames(0, 512));
        assertThrows(IllegalArgumentException.class, () -> new PrefillSplit.Chunk(5, 5));
    }
}
