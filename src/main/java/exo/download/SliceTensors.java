package exo.download;

import exo.gguf.GgufFormatException;
import exo.gguf.GgufHeader;
import exo.gguf.GgufMetadata;
import exo.gguf.GgufTensorInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Which tensors a node running layers [start, end) needs, as the engine loads them: the blocks
 * {@code blk.N.*}, the token embedding on the first shard, the output norm and head on the
 * last (the embedding again when the head is tied to it), and {@code rope_freqs.weight}
 * (Llama 3.1's rope scaling) everywhere. Listed in file order.
 */
public final class SliceTensors {
    private SliceTensors() {
    }

    /** The model's layer count, {@code {general.architecture}.block_count}. */
    public static int blockCount(GgufMetadata m) {
        String arch = m.getString("general.architecture")
                .orElseThrow(() -> new GgufFormatException("no general.architecture in the GGUF metadata"));
        return m.getInt(arch + ".block_count")
                .orElseThrow(() -> new GgufFormatException("no " + arch + ".block_count in the GGUF metadata"));
    }

    public static List<GgufTensorInfo> select(GgufHeader header, int start, int end) {
        int layers = blockCount(header.metadata());
        if (start < 0 || end > layers || start >= end) {
            throw new IllegalArgumentException("layers [" + start + ", " + end + ") are not a non-empty range of the "
                    + layers + " layers of the model");
        }
        boolean tied = header.tensor("output.weight") == null;
        boolean[] seen = new boolean[end - start];
        List<GgufTensorInfo> out = new ArrayList<>();
        for (GgufTensorInfo t : header.tensors()) {
            int block = blockOf(t.name());
            boolean wanted = block >= 0 ? block >= start && block < end : switch (t.name()) {
                case "token_embd.weight" -> start == 0 || end == layers && tied;
                case "output_norm.weight", "output.weight" -> end == layers;
                case "rope_freqs.weight" -> true;
                default -> false;
            };
            if (wanted) {
                out.add(t);
                if (block >= 0) {
                    seen[block - start] = true;
                }
            }
        }
        for (int l = start; l < end; l++) {
            if (!seen[l - start]) {
                throw new GgufFormatException("the model has no tensors for layer " + l + " (blk." + l + ".*)");
            }
        }
        out.sort(java.util.Comparator.comparingLong(GgufTensorInfo::offset));
        return out;
    }

    /** N for a tensor named {@code blk.N.something}, else -1. */
    static int blockOf(String name) {
        if (!name.startsWith("blk.")) {
            return -1;
        }
        int dot = name.indexOf('.', 4);
        try {
            return dot < 0 ? -1 : Integer.parseInt(name.substring(4, dot));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
