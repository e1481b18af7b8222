package exo.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import exo.TestModels;
import exo.gguf.GgufFile;
import exo.gguf.GgufHeader;
import exo.gguf.GgufTensorInfo;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RangePlanTest {
    @Test
    void consecutiveLayersAreOneRangeAndTheHeadAnother() throws IOException {
        GgufHeader h = GgufFile.readHeader(TestModels.stories260K());
        List<GgufTensorInfo> tensors = SliceTensors.select(h, 2, 5);
        assertEquals(3 * 9 + 2, tensors.size());
        RangePlan plan = RangePlan.of(h, tensors, Long.MAX_VALUE);
        // stories260K stores output_norm and output after the blocks, so [2,5) + head is contiguous.
        long expected = tensors.stream().mapToLong(GgufTensorInfo::byteSize).sum();
        assertEquals(plan.ranges().size(), plan.pieces().size());
        assertEquals(expected, plan.bytes(), "F32 tensors of these shapes need no padding");
        long staged = 0;
        for (GgufTensorInfo t : tensors) {
            assertEquals(staged, plan.stagingOffset(t), t.name());
            staged += t.byteSize();
        }
        System.out.println("stories260K [2,5): " + plan.ranges().size() + " range(s) " + plan.ranges());
    }

    @Test
    void piecesCutLongRangesAndKeepTheirStagingOffsets() throws IOException {
        GgufHeader h = GgufFile.readHeader(TestModels.stories260K());
        List<GgufTensorInfo> tensors = SliceTensors.select(h, 0, 1);
        RangePlan plan = RangePlan.of(h, tensors, 10_000);
        long at = 0;
        for (RangePlan.Piece p : plan.pieces()) {
            assertEquals(at, p.stagingOffset());
            at += p.range().length();
        }
        assertEquals(plan.bytes(), at);
        assertEquals(List.of("token_embd.weight"), tensors.stream().map(GgufTensorInfo::name)
                .filter(n -> !n.startsWith("blk.")).toList());
    }

    @Test
    void blockNumbersAreReadFromTensorNames() {
        assertEquals(12, GgufTensorInfo.blockOf("blk.12.attn_q.weight"));
        assertEquals(-1, GgufTensorInfo.blockOf("output.weight"));
        assertEquals(-1, GgufTensorInfo.blockOf("blk.x.y"));
        assertThrows(IllegalArgumentException.class, () -> new ByteRange(5, 4));
    }
}
