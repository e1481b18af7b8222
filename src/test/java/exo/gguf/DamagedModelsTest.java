package exo.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.download.ExoProcess;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged copies of stories260K given to `exo run` as a person would: each is refused with one
 * line and exit 2, never an internal error, an OutOfMemoryError, a crash of the JVM or an answer
 * computed from bytes that do not mean what the header says.
 */
class DamagedModelsTest {
    @TempDir
    Path tmp;

    /** stories260K rewritten with its metadata changed by {@code edit}. */
    private Path withMetadata(String name, Consumer<GgufWriter> edit) throws Exception {
        Path out = tmp.resolve(name + ".gguf");
        try (GgufFile f = GgufFile.open(TestModels.stories260K())) {
            GgufWriter w = new GgufWriter().putAll(f.metadata());
            edit.accept(w);
            for (GgufTensorInfo t : f.header().tensors()) {
                w.addTensor(t.name(), t.type(), t.dims(), f.tensorData(t));
            }
            w.write(out);
        }
        return out;
    }

    /** stories260K with bytes of one tensor's header entry (found by its name) rewritten. */
    private Path withTensorInfo(String name, String tensor, Consumer<ByteBuffer> edit) throws Exception {
        byte[] bytes = Files.readAllBytes(TestModels.stories260K());
        byte[] key = tensor.getBytes(StandardCharsets.UTF_8);
        int at = indexOf(bytes, key, 0);
        // the metadata may hold the name too (it does not here); the tensor entry is the last match
        for (int next = at; next >= 0; next = indexOf(bytes, key, next + 1)) {
            at = next;
        }
        ByteBuffer entry = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        entry.position(at + key.length); // n_dims u32, dims u64 x n, type u32, offset u64
        edit.accept(entry);
        Path out = tmp.resolve(name + ".gguf");
        Files.write(out, bytes);
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void damagedModelsAreRefusedInOneLine() throws Exception {
        List<Path> damaged = new ArrayList<>();
        damaged.add(withMetadata("blocks-huge", w -> w.putUInt32("llama.block_count", Integer.MAX_VALUE)));
        damaged.add(withMetadata("blocks-zero", w -> w.putUInt32("llama.block_count", 0)));
        damaged.add(withMetadata("heads-zero", w -> w.putUInt32("llama.attention.head_count", 0)));
        damaged.add(withMetadata("kv-heads-zero", w -> w.putUInt32("llama.attention.head_count_kv", 0)));
        damaged.add(withMetadata("width-zero", w -> w.putUInt32("llama.embedding_length", 0)));
        damaged.add(withMetadata("eps-nan", w -> w.putFloat32("llama.attention.layer_norm_rms_epsilon", Float.NaN)));
        damaged.add(withMetadata("bos-outside", w -> w.putUInt32("tokenizer.ggml.bos_token_id", 99_999)));
        damaged.add(withTensorInfo("embedding-f16", "token_embd.weight", e -> {
            int n = e.getInt();
            e.position(e.position() + 8 * n);
            e.putInt(GgmlType.F16.id()); // half the bytes it has: the rest would be read as the next tensor's
        }));
        damaged.add(withTensorInfo("dims-huge", "token_embd.weight", e -> {
            e.getInt();
            e.putLong(1L << 61);
        }));
        damaged.add(withTensorInfo("overlap", "output.weight", e -> {
            int n = e.getInt();
            e.position(e.position() + 8 * n + 4);
            e.putLong(0); // on top of the first tensor
        }));
        damaged.add(withTensorInfo("duplicate", "blk.0.attn_q.weight", e -> { }));
        // The duplicate: rename blk.0.attn_q.weight to blk.0.attn_k.weight (same length).
        byte[] dup = Files.readAllBytes(damaged.getLast());
        int q = indexOf(dup, "blk.0.attn_q.weight".getBytes(StandardCharsets.UTF_8), 0);
        dup[q + "blk.0.attn_".length()] = 'k';
        Files.write(damaged.getLast(), dup);

        List<String> wrong = new ArrayList<>();
        for (Path model : damaged) {
            ExoProcess.Result r = ExoProcess.run(tmp, Map.of(), "run", "--discovery", "static", "--model-file", model.toString(), "--prompt",
                    "Once upon a time", "-n", "4", "--temperature", "0");
            String name = model.getFileName().toString();
            if (r.exitCode() != 2 || r.err().strip().lines().count() != 1 || !r.err().startsWith("exo: ")
                    || r.err().contains("\tat ") || r.err().contains("OutOfMemoryError")) {
                wrong.add(name + ": exit " + r.exitCode() + ", stdout [" + r.out().strip() + "], stderr " + r.err());
            }
        }
        assertEquals(List.of(), wrong);
    }
}
