package exo.engine.java;

import exo.engine.java.forward.Matrix;
import exo.engine.java.forward.MatrixStack;
import exo.engine.java.tensor.WeightTensor;
import exo.engine.model.LayerTensors;
import exo.engine.model.ModelConfig;
import exo.engine.model.ModelTensors;
import exo.engine.model.TensorSource;
import exo.gguf.GgufFile;
import exo.gguf.GgufTensorInfo;
import exo.topology.Shard;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The weights one shard needs, read in place from a memory-mapped GGUF: its blocks, the token
 * embedding when it is first, the output norm and head when it is last. Nothing else of the
 * file is touched, so a shard's resident memory is its own layers.
 */
record ShardWeights(
        Matrix tokenEmbedding,  // [vocab x dim] or null unless the shard is first
        List<LayerTensors<Matrix, float[], MatrixStack>> layers, // blocks [shard.start, shard.end)
        float[] outputNorm,     // [dim] or null unless the shard is last
        Matrix output,          // [vocab x dim] or null unless last; token_embd when tied
        float[] ropeFreqs) {    // [rope_dim / 2] divisors of each rope frequency (Llama 3.1), or null

    static ShardWeights load(GgufFile file, ModelConfig c, Shard shard) {
        Loader in = new Loader(file);
        Matrix embedding = shard.isFirst() ? in.matrix("token_embd.weight", c.vocab(), c.dim()) : null;
        List<LayerTensors<Matrix, float[], MatrixStack>> layers = new ArrayList<>();
        for (int l = shard.start(); l < shard.end(); l++) {
            layers.add(LayerTensors.read(c, l, in));
        }
        float[] outputNorm = null;
        Matrix output = null;
        if (shard.isLast()) {
            outputNorm = in.vector("output_norm.weight", c.dim());
            output = in.matrix(ModelTensors.outputName(file), c.vocab(), c.dim());
        }
        float[] ropeFreqs = in.has("rope_freqs.weight") ? in.vector("rope_freqs.weight", c.rope().dims() / 2) : null;
        return new ShardWeights(embedding, List.copyOf(layers), outputNorm, output, ropeFreqs);
    }

    /** Makes the Java engine's tensors from the checked GGUF tensors. */
    private record Loader(GgufFile file) implements TensorSource<Matrix, float[], MatrixStack> {
        @Override
        public Matrix matrix(String name, int rows, int cols) {
            GgufTensorInfo t = ModelTensors.matrix(file, name, rows, cols);
            return new Matrix(name, WeightTensor.of(t.type(), file.tensorData(t), t.elements()), rows, cols);
        }

        @Override
        public MatrixStack stack(String name, int rows, int cols, int count) {
            GgufTensorInfo t = ModelTensors.stack(file, name, rows, cols, count);
            long elements = (long) rows * cols;
            long bytes = t.type().byteSize(elements);
            MemorySegment data = file.tensorData(t);
            List<Matrix> matrices = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                matrices.add(new Matrix(name + "[" + i + "]",
                        WeightTensor.of(t.type(), data.asSlice(i * bytes, bytes), elements), rows, cols));
            }
            return new MatrixStack(name, matrices);
        }

        @Override
        public float[] vector(String name, int n) {
            GgufTensorInfo t = ModelTensors.vector(file, name, n);
            float[] out = new float[n];
            WeightTensor.of(t.type(), file.tensorData(t), n).dequantize(0, out, 0, n);
            return out;
        }

        @Override
        public boolean has(String name) {
            return file.tensorInfo(name) != null;
        }
    }
}
