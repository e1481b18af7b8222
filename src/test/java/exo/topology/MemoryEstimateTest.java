package exo.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MemoryEstimateTest {
    // Llama 3 8B: 32 layers, 4096 wide, 32 heads, 8 KV heads of 128, ffn 14336, vocab 128256.
    private final ModelShape llama3_8b = new ModelShape(32, 4096, 32, 8, 128, 14336, 128256, false);

    @Test
    void parameterCountMatchesThePublishedModel() {
        long total = 32 * llama3_8b.parametersPerLayer() + llama3_8b.embeddingParameters()
                + llama3_8b.outputParameters();
        assertEquals(8_030_261_248L, total);
    }

    @Test
    void headCarriesTheEmbeddingAndTailTheOutput() {
        MemoryEstimate e = MemoryEstimate.of(llama3_8b, 1.0, 1024, 4);
        long layer = llama3_8b.parametersPerLayer();
        assertEquals(16 * layer + 128256L * 4096, e.weightBytes(new Shard("m", 0, 16, 32)));
        assertEquals(16 * layer + 128256L * 4096 + 4096, e.weightBytes(new Shard("m", 16, 32, 32)));
        assertEquals(2L * 8 * 128 * 4 * 1024 * 16, e.kvBytes(new Shard("m", 16, 32, 32)));
        assertEquals(e.weightBytes(new Shard("m", 16, 32, 32)) + e.kvBytes(new Shard("m", 16, 32, 32))
                + MemoryEstimate.OVERHEAD_BYTES, e.requiredBytes(new Shard("m", 16, 32, 32)));
    }

    @Test
    void aTiedHeadOnOneMachineIsCountedOnce() {
        ModelShape tied = new ModelShape(16, 2048, 32, 8, 64, 8192, 128256, true);
        MemoryEstimate e = MemoryEstimate.of(tied, 1.0, 1, 4);
        assertEquals(16 * tied.parametersPerLayer() + tied.outputParameters(), e.weightBytes(Shard.whole("m", 16)));
    }
}
