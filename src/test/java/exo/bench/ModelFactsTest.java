package exo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.gguf.GgufFile;
import exo.gguf.GgufTensorInfo;
import exo.synthetic.TestArchitectures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The weight bytes a generated token reads, which the bandwidth column divides by: a mixture of experts' active ones. */
class ModelFactsTest {
    @Test
    void aTokenReadsOnlyTheExpertsItIsRoutedTo() throws Exception {
        // Mixtral-style: 8 experts, 2 used: a quarter of every expert stack; the embedding table not at all.
        Path model = TestArchitectures.mixtral("Q8_0").file();
        long experts = 0;
        long rest = 0;
        long all = 0;
        try (GgufFile f = GgufFile.open(model)) {
            for (GgufTensorInfo t : f.tensors()) {
                all += t.elements();
                if (t.name().contains("_exps.")) {
                    experts += t.byteSize();
                } else if (!t.name().equals("token_embd.weight")) {
                    rest += t.byteSize();
                }
            }
        }
        ModelFacts facts = ModelFacts.of(model);
        assertTrue(experts > 0);
        assertEquals(rest + experts / 4, facts.weightBytesPerToken());
        assertEquals(all, facts.parameters());
    }

    @Test
    void glmsPredictionBlockIsNeitherReadNorCounted() throws Exception {
        Path model = TestArchitectures.glm4moe("Q4_K_M").file();
        long inPredictionBlock = 0;
        long all = 0;
        try (GgufFile f = GgufFile.open(model)) {
            for (GgufTensorInfo t : f.tensors()) {
                all += t.elements();
                if (t.name().startsWith("blk.5.")) {
                    inPredictionBlock += t.elements();
                }
            }
        }
        assertTrue(inPredictionBlock > 0);
        assertEquals(all - inPredictionBlock, ModelFacts.of(model).parameters());
    }
}
