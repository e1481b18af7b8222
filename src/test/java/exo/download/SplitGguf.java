package exo.download;

import exo.gguf.GgmlType;
import exo.gguf.GgufFile;
import exo.gguf.GgufTensorInfo;
import exo.gguf.GgufValue;
import exo.gguf.GgufValueType;
import exo.gguf.GgufWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Test files: a small glm4moe-shaped model, and any GGUF cut into gguf-split parts. */
final class SplitGguf {
    private SplitGguf() {
    }

    /**
     * Cuts {@code whole} as llama.cpp's gguf-split --split-max-tensors does: tensors in file
     * order, a new part every {@code perPart} tensors; the first part keeps the metadata, every
     * part gets split.no (u16), split.count (u16) and split.tensors.count (i32), appended after
     * it; each part's data is laid out from its own data section. Returns the parts in order,
     * named {@code prefix-0000i-of-0000n.gguf} in {@code dir}.
     */
    static List<Path> split(Path whole, Path dir, String prefix, int perPart) throws IOException {
        List<Path> out = new ArrayList<>();
        try (GgufFile f = GgufFile.open(whole)) {
            List<GgufTensorInfo> tensors = f.tensors();
            int n = (tensors.size() + perPart - 1) / perPart;
            for (int p = 0; p < n; p++) {
                GgufWriter w = new GgufWriter();
                if (p == 0) {
                    w.putAll(f.metadata());
                }
                w.put(GgufSplit.NO, new GgufValue(GgufValueType.UINT16, (short) p))
                        .put(GgufSplit.COUNT, new GgufValue(GgufValueType.UINT16, (short) n))
                        .put(GgufSplit.TENSORS, GgufValue.ofInt32(tensors.size()));
                for (GgufTensorInfo t : tensors.subList(p * perPart, Math.min(tensors.size(), (p + 1) * perPart))) {
                    w.addTensor(t.name(), t.type(), t.dims(), f.tensorData(t));
                }
                Path part = dir.resolve(String.format(java.util.Locale.ROOT, "%s-%05d-of-%05d.gguf", prefix, p + 1, n));
                w.write(part);
                out.add(part);
            }
        }
        return out;
    }

    /**
     * A glm4moe-shaped file with random bytes (nothing computes with it): 3 layers, the first
     * dense, then 4 routed experts and a shared one, and a 4th block that is a next-token-
     * prediction layer (block_count 4, nextn_predict_layers 1), Q8_0 matrices, F32 norms.
     */
    static void writeGlmMoe(Path path) throws IOException {
        int d = 64;
        int vocab = 96;
        int ff = 128;
        int f = 32;
        int e = 4;
        SplittableRandom rnd = new SplittableRandom(20);
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "glm4moe")
                .putUInt32("glm4moe.block_count", 4)
                .putUInt32("glm4moe.nextn_predict_layers", 1)
                .putUInt32("glm4moe.embedding_length", d)
                .putUInt32("glm4moe.feed_forward_length", ff)
                .putUInt32("glm4moe.attention.head_count", 4)
                .putUInt32("glm4moe.attention.head_count_kv", 2)
                .putUInt32("glm4moe.expert_count", e)
                .putUInt32("glm4moe.expert_used_count", 2)
                .putUInt32("glm4moe.expert_feed_forward_length", f)
                .putUInt32("glm4moe.expert_shared_count", 1)
                .putUInt32("glm4moe.leading_dense_block_count", 1);
        add(w, rnd, "token_embd.weight", GgmlType.Q8_0, d, vocab);
        for (int l = 0; l < 4; l++) {
            String p = "blk." + l + ".";
            add(w, rnd, p + "attn_norm.weight", GgmlType.F32, d);
            add(w, rnd, p + "attn_q.weight", GgmlType.Q8_0, d, d);
            add(w, rnd, p + "attn_q.bias", GgmlType.F32, d);
            add(w, rnd, p + "attn_k.weight", GgmlType.Q8_0, d, d / 2);
            add(w, rnd, p + "attn_v.weight", GgmlType.Q8_0, d, d / 2);
            add(w, rnd, p + "attn_output.weight", GgmlType.Q8_0, d, d);
            add(w, rnd, p + "post_attention_norm.weight", GgmlType.F32, d);
            if (l == 0) {
                add(w, rnd, p + "ffn_gate.weight", GgmlType.Q8_0, d, ff);
                add(w, rnd, p + "ffn_up.weight", GgmlType.Q8_0, d, ff);
                add(w, rnd, p + "ffn_down.weight", GgmlType.Q8_0, ff, d);
            } else {
                add(w, rnd, p + "ffn_gate_inp.weight", GgmlType.F32, d, e);
                add(w, rnd, p + "exp_probs_b.bias", GgmlType.F32, e);
                add(w, rnd, p + "ffn_gate_exps.weight", GgmlType.Q8_0, d, f, e);
                add(w, rnd, p + "ffn_up_exps.weight", GgmlType.Q8_0, d, f, e);
                add(w, rnd, p + "ffn_down_exps.weight", GgmlType.Q8_0, f, d, e);
                add(w, rnd, p + "ffn_gate_shexp.weight", GgmlType.Q8_0, d, f);
                add(w, rnd, p + "ffn_up_shexp.weight", GgmlType.Q8_0, d, f);
                add(w, rnd, p + "ffn_down_shexp.weight", GgmlType.Q8_0, f, d);
            }
            if (l == 3) {
                add(w, rnd, p + "nextn.eh_proj.weight", GgmlType.Q8_0, 2 * d, d);
                add(w, rnd, p + "nextn.enorm.weight", GgmlType.F32, d);
                add(w, rnd, p + "nextn.hnorm.weight", GgmlType.F32, d);
            }
        }
        add(w, rnd, "output_norm.weight", GgmlType.F32, d);
        add(w, rnd, "output.weight", GgmlType.Q8_0, d, vocab);
        w.write(path);
    }

    private static void add(GgufWriter w, SplittableRandom rnd, String name, GgmlType type, long... dims) {
        long n = 1;
        for (long x : dims) {
            n *= x;
        }
        byte[] bytes = new byte[(int) type.byteSize(n)];
        rnd.nextBytes(bytes);
        w.addTensor(name, type, dims, MemorySegment.ofArray(bytes));
    }
}
