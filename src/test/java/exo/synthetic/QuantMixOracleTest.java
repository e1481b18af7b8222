package exo.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.engine.llamacpp.LlamaCppException;
import exo.engine.llamacpp.LlamaLibrary;
import exo.engine.llamacpp.LlamaQuantizeOracle;
import exo.gguf.GgmlType;
import exo.gguf.GgufFile;
import exo.gguf.GgufTensorInfo;
import exo.models.QuantRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The synthetic writer's tensor types (exo.models.QuantRules, through QuantMix) against llama.cpp
 * b4916's own quantizer: each small model is written in F32, quantized by {@code
 * llama_model_quantize} to every quantized mix QuantRules names, and every tensor of llama.cpp's
 * file must have the type the writer gives it. The models are the architectures b4916 knows,
 * in shapes that reach each rule: use_more_bits layers, GQA of 1, 2 and 4 (Q2_K's attn_v), 8
 * experts (Mixtral), shared experts and a dense lead, latent attention, a tied output, rows that
 * are not whole K-quant blocks (the fallbacks), and 80 blocks (llama.cpp's "70B" and "65B").
 */
class QuantMixOracleTest {
    @TempDir
    static Path dir;

    /**
     * The jar's library (libjllama) does not export the quantizer; a plain libllama of b4916
     * does: {@code EXO_LLAMA_LIB=~/.cache/exo-native/llama-b4916-cpu-.../lib/libllama.so}
     * (native-build/llama-gpu.sh cpu writes one). Without it each case says it is skipped and why;
     * LlamaBuildIT runs them all on the library it builds.
     */
    private static void assumeQuantizer() {
        try {
            Assumptions.assumeTrue(LlamaLibrary.bundled().symbols().find("llama_model_quantize").isPresent(),
                    "the llama.cpp library lacks llama_model_quantize: set EXO_LLAMA_LIB to a plain libllama of b4916");
        } catch (LlamaCppException e) {
            Assumptions.abort("no llama.cpp library to quantize with: " + e.getMessage());
        }
    }

    static Stream<Arguments> cases() {
        Map<String, SyntheticModel> models = new TreeMap<>();
        models.put("llama-16-gqa4", llama(256, 16, 8, 2, 512, false));
        models.put("llama-tied", llama(256, 9, 4, 4, 512, true));
        models.put("llama-rows-288", llama(288, 6, 9, 3, 800, false));
        models.put("llama-80-gqa2", llama(64, 80, 4, 2, 64, false));
        models.put("llama-80-gqa1", llama(64, 80, 4, 4, 64, false));
        models.put("qwen2-80-gqa1", llama(64, 80, 4, 4, 64, false).as("qwen2"));
        for (TestArchitectures.Case c : Stream.of(TestArchitectures.mixtral("F32"), TestArchitectures.qwen2moe("F32"),
                TestArchitectures.deepseek3("F32"), TestArchitectures.deepseek2("F32"), TestArchitectures.gemma3("F32"))
                .filter(TestArchitectures.Case::llamaCpp).toList()) {
            models.put(c.name(), c.model());
        }
        return models.entrySet().stream().flatMap(m -> QuantRules.NAMES.stream()
                .filter(q -> QuantRules.of(q).base().isQuantized())
                .map(q -> Arguments.of(m.getKey(), m.getValue(), q)));
    }

    private static SyntheticModel llama(int dim, int layers, int heads, int kvHeads, int ffn, boolean tied) {
        return new SyntheticModel(dim, layers, heads, kvHeads, dim / heads, ffn, 260, 256, QuantMix.uniform(GgmlType.F32),
                layers, "llama", tied, SyntheticModel.Features.NONE);
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void everyTensorHasTheTypeLlamaCppsQuantizerGivesIt(String name, SyntheticModel model, String quant)
            throws IOException {
        assumeQuantizer();
        assertEquals(null, difference(dir, name, model, quant));
    }

    /**
     * Null when llama.cpp's quantizer gives every tensor of {@code model} in {@code quant} the type
     * the writer gives it, else both tables; files are written under {@code dir}.
     */
    static String difference(Path dir, String name, SyntheticModel model, String quant) throws IOException {
        Path f32 = dir.resolve(name + "-F32.gguf");
        synchronized (QuantMixOracleTest.class) {
            if (!Files.exists(f32)) {
                model.write(f32);
            }
        }
        Path out = dir.resolve(name + "-" + quant + ".gguf");
        SyntheticModel mixed = model.quantized(quant);
        LlamaQuantizeOracle.quantize(f32, out, mixed.mix().fileType());
        Map<String, GgmlType> llamaCpp = types(GgufFile.readHeader(out).tensors().stream());
        Files.delete(out);
        Map<String, GgmlType> ours = types(mixed.writer().tensorInfos().stream());
        return llamaCpp.equals(ours) ? null : name + " " + quant + ": llama.cpp " + llamaCpp + ", exo " + ours;
    }

    private static Map<String, GgmlType> types(Stream<GgufTensorInfo> tensors) {
        Map<String, GgmlType> m = new TreeMap<>();
        tensors.forEach(t -> m.put(t.name(), t.type()));
        return m;
    }
}
