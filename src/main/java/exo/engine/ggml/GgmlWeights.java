package exo.engine.ggml;

import exo.engine.model.LayerTensors;
import exo.engine.model.ModelConfig;
import exo.engine.model.TensorSource;
import exo.engine.model.ModelTensors;
import exo.gguf.GgmlType;
import exo.engine.model.UnsupportedModelException;
import exo.gguf.GgufFile;
import exo.gguf.GgufFormatException;
import exo.gguf.GgufTensorInfo;
import exo.topology.Shard;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A shard's weights as ggml tensors. For the CPU they point into the memory-mapped GGUF (no
 * copy): one ggml context holds the tensor headers, one CPU buffer wraps the file's mapped data
 * section. For a GPU they are uploaded into one buffer of the device, and the head's embedding
 * rows are looked up on the host (as llama.cpp keeps its input layer on the CPU): a GPU backend
 * may lack get_rows for the embedding's type, and the table need not take device memory.
 * Only the tensors the shard computes with are made, so a node's resident memory is its layers.
 * Every shape is checked here, in Java, because ggml aborts the process on a mismatch.
 */
final class GgmlWeights implements AutoCloseable {

    /** ggml's TENSOR_ALIGNMENT: buffers made from a pointer must start on it. */
    private static final long TENSOR_ALIGNMENT = 32;

    private final GgmlApi api;
    private final MemorySegment context;
    private final MemorySegment buffer;
    private final MemorySegment repacked;
    private final GgufFile file;
    private final int dim;
    final MemorySegment tokenEmbedding; // [dim, vocab] or NULL unless first and read in place
    final List<LayerTensors<MemorySegment, MemorySegment, MemorySegment>> layers; // index 0 = shard.start
    final MemorySegment outputNorm;     // [dim] or NULL unless last
    final MemorySegment output;         // [dim, vocab] or NULL unless last; token_embd when tied
    final MemorySegment ropeFreqs;      // [rope_dim / 2] or null
    /**
     * The types of the weights multiplied with all of a graph's columns at once: the matrices
     * (not the embedding, which is only looked up; not the F32 routers, which a decode batch
     * multiplies one column at a time; not the experts, whose ggml_mul_mat_id takes every column
     * on its own).
     */
    final Set<GgmlType> matrixTypes;

    /**
     * Types whose matrix product ggml's CPU backend computes column by column with the same
     * kernel whatever the number of columns, so a product over several sessions' columns gives
     * each the bits of its own (checked by DecodeBatchTest). F32, F16 and BF16 are not among
     * them: from two columns on, ggml hands them to llamafile's tiled kernels, which sum in
     * another order than the one-column dot product.
     */
    static final Set<GgmlType> COLUMN_EXACT = EnumSet.of(GgmlType.Q4_0, GgmlType.Q8_0,
            GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K);

    private GgmlWeights(GgmlApi api, GgufFile file, int dim, MemorySegment context, MemorySegment buffer,
                        MemorySegment repacked, MemorySegment tokenEmbedding,
                        List<LayerTensors<MemorySegment, MemorySegment, MemorySegment>> layers,
                        MemorySegment outputNorm, MemorySegment output, MemorySegment ropeFreqs,
                        Set<GgmlType> matrixTypes) {
        this.api = api;
        this.file = file;
        this.dim = dim;
        this.context = context;
        this.buffer = buffer;
        this.repacked = repacked;
        this.tokenEmbedding = tokenEmbedding;
        this.layers = List.copyOf(layers);
        this.outputNorm = outputNorm;
        this.output = output;
        this.ropeFreqs = ropeFreqs;
        this.matrixTypes = Set.copyOf(matrixTypes);
    }

    /** The CPU's weights: read in place from the mapped file. */
    static GgmlWeights load(GgmlApi api, GgufFile file, ModelConfig c, Shard shard) {
        return load(api, file, c, shard, null);
    }

    /**
     * @param upload the buffer type to copy the weights into (a GPU's), or null to read them in
     *               place from the mapped file with the CPU
     */
    static GgmlWeights load(GgmlApi api, GgufFile file, ModelConfig c, Shard shard, MemorySegment upload) {
        MemorySegment data = file.dataSection();
        if (upload == null && data.address() % TENSOR_ALIGNMENT != 0) {
            throw new GgufFormatException(file.path().getFileName() + ": tensor data starts at an address not "
                    + "aligned to " + TENSOR_ALIGNMENT + " bytes (general.alignment below 32?); ggml cannot map it");
        }
        int maxTensors = 32 * shard.layerCount() + 8;
        MemorySegment context;
        try (Arena arena = Arena.ofConfined()) {
            context = api.ops.ggml_init(maxTensors * api.ops.ggml_tensor_overhead(), true, arena);
        }
        if (MemorySegment.NULL.equals(context)) {
            throw new OutOfMemoryError("ggml_init failed for the weight headers");
        }
        MemorySegment buffer = upload == null
                ? api.backend.ggml_backend_cpu_buffer_from_ptr(data, Math.max(data.byteSize(), 1)) : MemorySegment.NULL;
        MemorySegment repacked = MemorySegment.NULL;
        try {
            Maker in = new Maker(api, file, context, buffer, upload == null, new ArrayList<>(), new ArrayList<>(),
                    EnumSet.noneOf(GgmlType.class));
            // Uploaded weights leave the embedding on the host: it is looked up there (see embed).
            MemorySegment embedding = shard.isFirst() && upload == null
                    ? in.matrix("token_embd.weight", c.vocab(), c.dim()) : null;
            in.types().clear(); // the embedding is looked up, not multiplied
            if (shard.isFirst() && upload != null) {
                ModelTensors.matrix(file, "token_embd.weight", c.vocab(), c.dim());
            }
            List<LayerTensors<MemorySegment, MemorySegment, MemorySegment>> layers = new ArrayList<>();
            for (int l = shard.start(); l < shard.end(); l++) {
                layers.add(LayerTensors.read(c, l, in));
            }
            MemorySegment outputNorm = null;
            MemorySegment output = null;
            if (shard.isLast()) {
                outputNorm = in.vector("output_norm.weight", c.dim());
                String name = ModelTensors.outputName(file);
                // A tied head on a shard that is also the head is the embedding tensor already made.
                output = name.equals("token_embd.weight") && embedding != null
                        ? embedding : in.matrix(name, c.vocab(), c.dim());
            }
            MemorySegment ropeFreqs = file.tensorInfo("rope_freqs.weight") != null
                    ? in.vector("rope_freqs.weight", c.rope().dims() / 2) : null;
            if (upload != null) {
                buffer = upload(api, file, context, upload, in.uploads());
            }
            repacked = repack(api, file, in.repack());
            if (output != null && output == embedding) {
                in.types().add(file.tensorInfo("token_embd.weight").type()); // the tied head multiplies it
            }
            return new GgmlWeights(api, file, c.dim(), context, buffer, repacked, embedding, layers, outputNorm,
                    output, ropeFreqs, in.types());
        } catch (RuntimeException e) {
            if (!MemorySegment.NULL.equals(repacked)) {
                api.backend.ggml_backend_buffer_free(repacked);
            }
            if (!MemorySegment.NULL.equals(buffer)) {
                api.backend.ggml_backend_buffer_free(buffer);
            }
            api.ops.ggml_free(context);
            throw e;
        }
    }

    /** One buffer of {@code type} for every tensor made, and each tensor's bytes copied in from the file. */
    private static MemorySegment upload(GgmlApi api, GgufFile file, MemorySegment context, MemorySegment type,
                                        List<Repack> tensors) {
        MemorySegment buf = api.alloc.ggml_backend_alloc_ctx_tensors_from_buft(context, type);
        if (MemorySegment.NULL.equals(buf)) {
            long bytes = tensors.stream().mapToLong(t -> t.info().byteSize()).sum();
            throw new exo.engine.llamacpp.LlamaCppException("cannot allocate " + (bytes >> 20)
                    + " MiB of device memory for the weights; run with --gpu off to compute on the CPU");
        }
        for (Repack t : tensors) {
            MemorySegment bytes = file.tensorData(t.info());
            api.backend.ggml_backend_tensor_set_native(t.tensor(), bytes, 0, bytes.byteSize());
        }
        return buf;
    }

    /**
     * For a head whose weights were uploaded ({@link #tokenEmbedding} is then NULL): the
     * embedding rows of {@code ids}, decoded on the host as ggml's get_rows decodes them
     * (the same {@code dequantize_row_*} for quantized types; half and bfloat16 widen exactly).
     */
    float[] embed(int[] ids) {
        GgufTensorInfo info = file.tensorInfo("token_embd.weight");
        MemorySegment table = file.tensorData(info);
        long rowBytes = info.type().byteSize(dim);
        float[] out = new float[ids.length * dim];
        for (int i = 0; i < ids.length; i++) {
            MemorySegment row = table.asSlice(ids[i] * rowBytes, rowBytes);
            float[] values = switch (info.type()) {
                case F32 -> row.toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED);
                case F16 -> {
                    float[] f = new float[dim];
                    for (int j = 0; j < dim; j++) {
                        f[j] = Float.float16ToFloat(row.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2L * j));
                    }
                    yield f;
                }
                case BF16 -> {
                    float[] f = new float[dim];
                    for (int j = 0; j < dim; j++) {
                        f[j] = Float.intBitsToFloat(
                                row.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2L * j) << 16);
                    }
                    yield f;
                }
                default -> GgmlQuants.bundled().dequantize(info.type(), row, dim);
            };
            System.arraycopy(values, 0, out, i * dim, dim);
        }
        return out;
    }

    /** A tensor to be copied into a buffer (a repacking one, or a GPU's) instead of read in place. */
    private record Repack(GgufTensorInfo info, MemorySegment tensor) {
    }

    /**
     * Copies the Q4_0 matrices into a buffer of ggml's repacking type, as llama.cpp does when it
     * loads a Q4_0 file on a CPU with AVX2: the repacked layout computes faster, and a slice
     * then gives llama.cpp's bits. Those matrices cost memory instead of staying mapped.
     */
    private static MemorySegment repack(GgmlApi api, GgufFile file, List<Repack> matrices) {
        if (matrices.isEmpty()) {
            return MemorySegment.NULL;
        }
        MemorySegment type = api.backend.ggml_backend_cpu_aarch64_buffer_type();
        long size = 0;
        for (Repack r : matrices) {
            size += align(r.info().byteSize());
        }
        MemorySegment buf = api.backend.ggml_backend_buft_alloc_buffer(type, size);
        if (MemorySegment.NULL.equals(buf)) {
            throw new exo.engine.llamacpp.LlamaCppException("cannot allocate " + (size >> 20)
                    + " MiB for repacked Q4_0 weights");
        }
        long base = api.backend.ggml_backend_buffer_get_base(buf).address();
        long at = 0;
        for (Repack r : matrices) {
            api.backend.ggml_backend_tensor_alloc(buf, r.tensor(), MemorySegment.ofAddress(base + at));
            MemorySegment bytes = file.tensorData(r.info());
            api.backend.ggml_backend_tensor_set_native(r.tensor(), bytes, 0, bytes.byteSize());
            at += align(r.info().byteSize());
        }
        return buf;
    }

    private static long align(long n) {
        return (n + 63) & ~63L;
    }

    /**
     * Makes the ggml tensor for a GGUF tensor after checking its shape and type: in place in
     * the mapped file's buffer, or (for a GPU) listed in {@code uploads} to be copied once all are made.
     */
    private record Maker(GgmlApi api, GgufFile file, MemorySegment context, MemorySegment buffer, boolean inPlace,
                         List<Repack> repack, List<Repack> uploads, Set<GgmlType> types)
            implements TensorSource<MemorySegment, MemorySegment, MemorySegment> {
        @Override
        public MemorySegment matrix(String name, int rows, int cols) {
            GgufTensorInfo t = ModelTensors.matrix(file, name, rows, cols);
            wholeBlocks(name, t, cols);
            // Routers (and Qwen2 MoE's shared-expert gate) are multiplied column by column in a decode batch.
            if (!name.endsWith("ffn_gate_inp.weight") && !name.endsWith("ffn_gate_inp_shexp.weight")) {
                types.add(t.type());
            }
            MemorySegment tensor = api.ops.ggml_new_tensor_2d(context, t.type().id(), cols, rows);
            // The repacked Q4_0 kernel takes rows in groups of 8 (ggml_aarch64_get_optimal_repack_type on AVX2).
            if (repackable(t, rows) && !name.equals("token_embd.weight")) {
                repack.add(new Repack(t, tensor));
                return tensor;
            }
            return place(t, tensor);
        }

        @Override
        public MemorySegment stack(String name, int rows, int cols, int count) {
            GgufTensorInfo t = ModelTensors.stack(file, name, rows, cols, count);
            wholeBlocks(name, t, cols);
            MemorySegment tensor = api.ops.ggml_new_tensor_3d(context, t.type().id(), cols, rows, count);
            if (name.endsWith("_exps.weight")) {
                // Experts go through ggml_mul_mat_id, which llama.cpp b4916 repacks for Q4_0 as it does matrices.
                if (repackable(t, rows)) {
                    repack.add(new Repack(t, tensor));
                    return tensor;
                }
            } else {
                types.add(t.type()); // latent attention's per-head key projection multiplies all columns
            }
            return place(t, tensor);
        }

        @Override
        public MemorySegment vector(String name, int n) {
            GgufTensorInfo t = ModelTensors.vector(file, name, n);
            // ggml multiplies and adds these to F32 activations; llama.cpp's converter always writes them F32.
            if (t.type() != GgmlType.F32) {
                throw new UnsupportedModelException("tensor " + name + " is " + t.type() + "; norms and biases must be F32");
            }
            return place(t, api.ops.ggml_new_tensor_1d(context, t.type().id(), n));
        }

        @Override
        public boolean has(String name) {
            return file.tensorInfo(name) != null;
        }

        private boolean repackable(GgufTensorInfo t, int rows) {
            return inPlace && t.type() == GgmlType.Q4_0 && rows % 8 == 0
                    && !MemorySegment.NULL.equals(api.backend.ggml_backend_cpu_aarch64_buffer_type());
        }

        private static void wholeBlocks(String name, GgufTensorInfo t, int cols) {
            if (cols % t.type().blockSize() != 0) {
                throw new GgufFormatException("tensor " + name + " has rows of " + cols
                        + " elements, not whole " + t.type() + " blocks");
            }
        }

        private MemorySegment place(GgufTensorInfo t, MemorySegment tensor) {
            if (inPlace) {
                api.backend.ggml_backend_tensor_alloc(buffer, tensor, file.tensorData(t));
            } else {
                uploads.add(new Repack(t, tensor));
            }
            return tensor;
        }
    }

    @Override
    public void close() {
        if (!MemorySegment.NULL.equals(repacked)) {
            api.backend.ggml_backend_buffer_free(repacked);
        }
        api.backend.ggml_backend_buffer_free(buffer);
        api.ops.ggml_free(context);
    }
}
