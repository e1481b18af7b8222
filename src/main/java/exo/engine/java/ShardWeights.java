package exo.engine.java;

import exo.engine.java.tensor.WeightTensor;
import exo.gguf.GgufFile;
import exo.gguf.GgufTensorInfo;
import exo.topology.Shard;
import exo.engine.model.ModelConfig;
import exo.engine.model.ModelTensors;

/**
 * The weights one shard needs, read in place from a memory-mapped GGUF: its blocks, the token
 * embedding when it is first, the output norm and head when it is last. Nothing else of the
 * file is touched, so a shard's resident memory is its own layers.
 */
record ShardWeights(
        Matrix tokenEmbedding,  // [vocab x dim] or null unless the shard is first
        LayerWeights[] layers,  // blocks [shard.start, shard.end), index 0 = shard.start
        float[] outputNorm,     // [dim] or null unless the shard is last
        Matrix output,          // [vocab x dim] or null unless last; token_embd when tied
        float[] ropeFreqs) {    // [rope_dim / 2] divisors of each rope frequency (Llama 3.1), or null

    static ShardWeights load(GgufFile file, ModelConfig c, Shard shard) {
        Loader in = new Loader(file);
        Matrix embedding = shard.isFirst() ? in.matrix("token_embd.weight", c.vocab(), c.dim()) : null;
        LayerWeights[] layers = new LayerWeights[shard.layerCount()];
        for (int l = shard.start(); l < shard.end(); l++) {
            String p = "blk." + l + ".";
            layers[l - shard.start()] = new LayerWeights(
                    in.vector(p + "attn_norm.weight", c.dim()),
                    in.matrix(p + "attn_q.weight", c.qDim(), c.dim()),
                    in.matrix(p + "attn_k.weight", c.kvDim(), c.dim()),
                    in.matrix(p + "attn_v.weight", c.kvDim(), c.dim()),
                    c.qkvBias() ? in.vector(p + "attn_q.bias", c.qDim()) : null,
                    c.qkvBias() ? in.vector(p + "attn_k.bias", c.kvDim()) : null,
                    c.qkvBias() ? in.vector(p + "attn_v.bias", c.kvDim()) : null,
                    c.qkNorm() ? in.vector(p + "attn_q_norm.weight", c.headDim()) : null,
                    c.qkNorm() ? in.vector(p + "attn_k_norm.weight", c.headDim()) : null,
                    in.matrix(p + "attn_output.weight", c.dim(), c.qDim()),
                    in.vector(p + "ffn_norm.weight", c.dim()),
                    in.matrix(p + "ffn_gate.weight", c.ffn(), c.dim()),
                    in.matrix(p + "ffn_up.weight", c.ffn(), c.dim()),
                    in.matrix(p + "ffn_down.weight", c.dim(), c.ffn()));
        }
        float[] outputNorm = null;
        Matrix output = null;
        if (shard.isLast()) {
            outputNorm = in.vector("output_norm.weight", c.dim());
            output = in.matrix(ModelTensors.outputName(file), c.vocab(), c.dim());
        }
        float[] ropeFreqs = file.tensorInfo("rope_freqs.weight") != null
                ? in.vector("rope_freqs.weight", c.ropeDim() / 2) : null;
        return new ShardWeights(embedding, layers, outputNorm, output, ropeFreqs);
    }

    /** Makes the Java engine's tensors from the checked GGUF tensors. */
    private record Loader(GgufFile file) {
        Matrix matrix(String name, int rows, int cols) {
            GgufTensorInfo t = ModelTensors.matrix(file, name, rows, cols);
            return new Matrix(name, WeightTensor.of(t.type(), file.tensorData(t), t.elements()), rows, cols);
        }

        float[] vector(String name, int n) {
            GgufTensorInfo t = ModelTensors.vector(file, name, n);
            float[] out = new float[n];
            WeightTensor.of(t.type(), file.tensorData(t), n).dequantize(0, out, 0, n);
            return out;
        }
    }
}
