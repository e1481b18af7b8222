package exo.download;

import exo.InvalidInputException;
import exo.gguf.GgufFormatException;
import exo.gguf.GgufHeader;
import exo.gguf.GgufMetadata;
import exo.gguf.GgufTensorInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which tensors a node running layers [start, end) needs, as the engine loads them: the blocks
 * {@code blk.N.*}, the token embedding on the first shard, the output norm and head on the
 * last (the embedding again when the head is tied to it), and {@code rope_freqs.weight}
 * (Llama 3.1's rope scaling) everywhere. Blocks from the model's layer count on are
 * next-token-prediction blocks (GLM-4.5's {@code nextn_predict_layers}, counted in its
 * block_count): no shard needs them. Listed in file order; for a split file, part by part.
 */
public final class SliceTensors {
    private SliceTensors() {
    }

    /** A tensor and the part of a split file that holds it (0 for a single file). */
    public record PartTensor(int part, GgufTensorInfo info) {
    }

    /** {@code {general.architecture}.block_count}: the model's blocks, next-token-prediction ones included. */
    public static int blockCount(GgufMetadata m) {
        String arch = architecture(m);
        return m.getInt(arch + ".block_count")
                .orElseThrow(() -> new GgufFormatException("no " + arch + ".block_count in the GGUF metadata"));
    }

    /** The layers a ring runs: block_count less {@code nextn_predict_layers}. */
    public static int layerCount(GgufMetadata m) {
        int nextn = m.getInt(architecture(m) + ".nextn_predict_layers", 0);
        int layers = blockCount(m) - nextn;
        if (nextn < 0 || layers < 1) {
            throw new GgufFormatException("block_count " + blockCount(m) + " with " + nextn
                    + " next-token-prediction layers leaves no layers");
        }
        return layers;
    }

    private static String architecture(GgufMetadata m) {
        return m.getString("general.architecture")
                .orElseThrow(() -> new GgufFormatException("no general.architecture in the GGUF metadata"));
    }

    public static List<GgufTensorInfo> select(GgufHeader header, int start, int end) {
        return select(List.of(header), start, end).stream().map(PartTensor::info).toList();
    }

    /** The tensors of layers [start, end) in the parts of a split file (the first part's metadata). */
    public static List<PartTensor> select(List<GgufHeader> parts, int start, int end) {
        int layers = layerCount(parts.getFirst().metadata());
        if (start < 0 || end > layers || start >= end) {
            throw new InvalidInputException("layers", "layers [" + start + ", " + end + ") are not a non-empty range of "
                    + "the " + layers + " layers of the model");
        }
        boolean tied = parts.stream().allMatch(h -> h.tensor("output.weight") == null);
        boolean[] seen = new boolean[end - start];
        List<PartTensor> out = new ArrayList<>();
        for (int p = 0; p < parts.size(); p++) {
            for (GgufTensorInfo t : parts.get(p).tensors()) {
                int block = GgufTensorInfo.blockOf(t.name());
                boolean wanted = block >= 0 ? block >= start && block < end : switch (t.name()) {
                    case "token_embd.weight" -> start == 0 || end == layers && tied;
                    case "output_norm.weight", "output.weight" -> end == layers;
                    case "rope_freqs.weight" -> true;
                    default -> false;
                };
                if (wanted) {
                    out.add(new PartTensor(p, t));
                    if (block >= 0) {
                        seen[block - start] = true;
                    }
                }
            }
        }
        for (int l = start; l < end; l++) {
            if (!seen[l - start]) {
                throw new GgufFormatException("the model has no tensors for layer " + l + " (blk." + l + ".*)");
            }
        }
        out.sort(Comparator.comparingInt(PartTensor::part).thenComparingLong(t -> t.info().offset()));
        return out;
    }
}
