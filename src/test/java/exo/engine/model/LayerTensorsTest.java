package exo.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.gguf.GgufFile;
import exo.gguf.GgufTensorInfo;
import exo.synthetic.TestArchitectures;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which tensors a block reads, by architecture: every one a file of it has, and never a GLM prediction block's. */
class LayerTensorsTest {
    /** Names each tensor it is asked for, and records them. */
    private record Names(Set<String> file, List<String> read) implements TensorSource<String, String, String> {
        @Override
        public String matrix(String name, int rows, int cols) {
            return take(name);
        }

        @Override
        public String vector(String name, int n) {
            return take(name);
        }

        @Override
        public String stack(String name, int rows, int cols, int count) {
            return take(name);
        }

        @Override
        public boolean has(String name) {
            return file.contains(name);
        }

        private String take(String name) {
            read.add(name);
            return name;
        }
    }

    @Test
    void everyBlockTensorOfEachArchitectureIsReadAndGlmsPredictionBlockIsNot() throws Exception {
        for (TestArchitectures.Case c : TestArchitectures.all()) {
            try (GgufFile f = GgufFile.open(c.file())) {
                ModelConfig config = ModelConfig.from(f.metadata());
                Set<String> names = f.tensors().stream().map(GgufTensorInfo::name).collect(Collectors.toSet());
                Names source = new Names(names, new ArrayList<>());
                for (int l = 0; l < config.layers(); l++) {
                    LayerTensors.read(config, l, source);
                }
                Set<String> blocks = names.stream().filter(n -> n.startsWith("blk."))
                        .filter(n -> Integer.parseInt(n.split("\\.")[1]) < config.layers()).collect(Collectors.toSet());
                assertEquals(blocks, Set.copyOf(source.read()), c + ": the blocks' tensors, all and only");
                assertFalse(source.read().stream().anyMatch(n -> n.startsWith("blk." + config.layers() + ".")),
                        c + ": a block past the layers");
            }
        }
    }

    @Test
    void aFileWithOneTensorPerExpertIsRefusedInOneLineAskingToReconvert() {
        ModelConfig mixtral = ModelConfig.from(new exo.gguf.GgufMetadata(java.util.Map.of(
                "general.architecture", exo.gguf.GgufValue.ofString("llama"),
                "llama.embedding_length", exo.gguf.GgufValue.ofUInt32(64),
                "llama.block_count", exo.gguf.GgufValue.ofUInt32(2),
                "llama.attention.head_count", exo.gguf.GgufValue.ofUInt32(4),
                "llama.feed_forward_length", exo.gguf.GgufValue.ofUInt32(128),
                "llama.vocab_size", exo.gguf.GgufValue.ofUInt32(300),
                "llama.expert_count", exo.gguf.GgufValue.ofUInt32(8),
                "llama.expert_used_count", exo.gguf.GgufValue.ofUInt32(2))));
        Set<String> oldLayout = Set.of("blk.0.ffn_gate_inp.weight", "blk.0.ffn_gate.0.weight", "blk.0.ffn_up.0.weight",
                "blk.0.ffn_down.0.weight");
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> LayerTensors.read(mixtral, 0, new Names(oldLayout, new ArrayList<>())));
        assertTrue(e.getMessage().contains("re-convert"), e.getMessage());
        assertFalse(e.getMessage().contains("lacks"), e.getMessage());
        assertInstanceOf(LayerTensors.Moe.class,
                LayerTensors.read(mixtral, 1, new Names(Set.of(), new ArrayList<>())).ffn(),
                "a Mixtral-style block reads experts, not ffn_gate");
    }
}
