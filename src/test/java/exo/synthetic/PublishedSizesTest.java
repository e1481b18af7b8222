package exo.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.gguf.GgmlType;
import exo.gguf.GgufTensorInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The writer's tensors in llama.cpp's quantizer's types, against published files: a file's tensor
 * data is its Hugging Face size less its header, and these files' headers are known (the same
 * 5,969,408 bytes for both Qwen3-30B-A3B files, so the pair pins the rules). Nothing is generated:
 * only the tensor list is laid out.
 */
class PublishedSizesTest {
    private static long data(SyntheticModel m) {
        List<GgufTensorInfo> t = m.writer().tensorInfos();
        return t.getLast().offset() + t.getLast().byteSize();
    }

    private static SyntheticModel shape(String arch, int dim, int layers, int heads, int kvHeads, int ffn, int vocab,
                                        boolean tied, SyntheticModel.Features features) {
        return new SyntheticModel(dim, layers, heads, kvHeads, 128, ffn, vocab, 4096, QuantMix.uniform(GgmlType.F32), 1,
                arch, tied, features);
    }

    @Test
    void qwen3With128ExpertsInQ4KMAndQ8_0() {
        SyntheticModel qwen = shape("qwen3moe", 2048, 48, 32, 4, 6144, 151936, false, SyntheticModel.Features.NONE)
                .withExperts(SyntheticModel.Experts.routed(128, 8, 768));
        long header = 5_969_408;
        // Qwen/Qwen3-30B-A3B-GGUF: Qwen3-30B-A3B-Q4_K_M.gguf and -Q8_0.gguf.
        assertEquals(18_556_685_824L - header, data(qwen.quantized("Q4_K_M")));
        assertEquals(32_483_931_648L - header, data(qwen.quantized("Q8_0")));
        assertEquals(579, qwen.writer().tensorInfos().size());
    }

    @Test
    void mixtralsEightExpertRules() {
        // mradermacher's Mixtral-8x7B-Instruct-v0.1.Q4_K_M.gguf (merged experts), header 740,768 bytes.
        SyntheticModel mixtral = shape("llama", 4096, 32, 32, 8, 14336, 32000, false, SyntheticModel.Features.NONE)
                .withExperts(SyntheticModel.Experts.routed(8, 2, 14336));
        assertEquals(28_448_468_384L - 740_768, data(mixtral.quantized("Q4_K_M")));
    }

    @Test
    void gemma3WithItsTiedOutput() {
        // bartowski's google_gemma-3-27b-it-Q4_K_M.gguf, header 6,561,408 bytes (a 262144-token vocabulary).
        SyntheticModel gemma = shape("gemma3", 5376, 62, 32, 16, 21504, 262144, true, SyntheticModel.Features.NONE)
                .withSlidingWindow(1024);
        assertEquals(16_546_404_992L - 6_561_408, data(gemma.quantized("Q4_K_M")));
    }
}
