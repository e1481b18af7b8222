package exo.topology;

import exo.gguf.GgufFormatException;
import exo.gguf.GgufHeader;
import exo.gguf.GgufMetadata;
import exo.gguf.GgufTensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a plan needs from a GGUF header (a file's, or a range-fetched one; every part's for a
 * split file): the tensor table's bytes per layer and the KV cache's width, with the layer
 * count and expert counts read from the {@code ARCH.*} keys as llama.cpp names them.
 *
 * <ul>
 * <li>Layers: {@code block_count} less {@code nextn_predict_layers} (GLM files count their
 * next-token-prediction blocks in block_count; no ring runs them).</li>
 * <li>KV per token per layer: with latent attention ({@code attention.kv_lora_rank}), in
 * files that split {@code attn_kv_b} into {@code attn_k_b}/{@code attn_v_b}, the latent and
 * the rope key (kv_lora_rank + rope dims: the MLA cache); in older files with
 * {@code attn_kv_b}, K and V of every head as llama.cpp b4916 caches them; otherwise K and V
 * heads ({@code head_count_kv} x ({@code key_length} + {@code value_length})).</li>
 * </ul>
 *
 * @param architecture          general.architecture
 * @param bytes                 the tensor table's bytes per part
 * @param kvElementsPerTokenPerLayer the KV cache's values per token in each layer
 */
public record GgufPlanInput(String architecture, ModelBytes bytes, long kvElementsPerTokenPerLayer) {

    public GgufPlanInput {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(bytes, "bytes");
        if (kvElementsPerTokenPerLayer < 1) {
            throw new IllegalArgumentException("KV width must be positive");
        }
    }

    /** From one file's header. */
    public static GgufPlanInput of(GgufHeader header) {
        return of(List.of(header));
    }

    /**
     * From the headers of a split file's parts in order (or one file's): the metadata is the
     * first part's, the tensors every part's.
     */
    public static GgufPlanInput of(List<GgufHeader> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no GGUF header");
        }
        GgufMetadata m = parts.getFirst().metadata();
        List<GgufTensorInfo> tensors = new ArrayList<>();
        for (GgufHeader h : parts) {
            tensors.addAll(h.tensors());
        }
        String arch = m.getString("general.architecture")
                .orElseThrow(() -> new GgufFormatException("the file has no general.architecture"));
        int blocks = required(m, arch, "block_count");
        int nextn = m.getInt(arch + ".nextn_predict_layers", 0);
        int layers = blocks - nextn;
        if (blocks < 1 || nextn < 0 || layers < 1) {
            throw new GgufFormatException(arch + ".block_count " + blocks + " with " + nextn
                    + " next-token-prediction layers leaves no layers");
        }
        int experts = m.getInt(arch + ".expert_count", 0);
        int used = m.getInt(arch + ".expert_used_count", 0);
        if (experts < 0 || used < 0 || used > experts) {
            throw new GgufFormatException(arch + ".expert_used_count " + used + " of " + experts + " experts");
        }
        return new GgufPlanInput(arch, ModelBytes.of(tensors, layers, experts, used), kvWidth(m, arch, tensors));
    }

    private static long kvWidth(GgufMetadata m, String arch, List<GgufTensorInfo> tensors) {
        int heads = headCount(m, arch + ".attention.head_count");
        int kvHeads = m.contains(arch + ".attention.head_count_kv") ? headCount(m, arch + ".attention.head_count_kv")
                : heads;
        int embedding = required(m, arch, "embedding_length");
        int key = m.getInt(arch + ".attention.key_length", heads > 0 ? embedding / heads : 0);
        int value = m.getInt(arch + ".attention.value_length", key);
        int kvLora = m.getInt(arch + ".attention.kv_lora_rank", 0);
        if (kvLora > 0) {
            boolean splitKvB = tensors.stream().anyMatch(t -> t.name().endsWith(".attn_k_b.weight"));
            int rope = m.getInt(arch + ".rope.dimension_count", 0);
            if (splitKvB) {
                return (long) kvLora + rope;
            }
            return (long) heads * (key + value); // b4916's cache for attn_kv_b files: full K and V heads
        }
        long width = (long) kvHeads * (key + value);
        if (width < 1) {
            throw new GgufFormatException(arch + ": attention heads and head sizes must be positive");
        }
        return width;
    }

    /** A head count, which some files store per layer as an array (the largest is what a cache must fit). */
    private static int headCount(GgufMetadata m, String key) {
        boolean perLayer = m.get(key).map(v -> v.type() == exo.gguf.GgufValueType.ARRAY).orElse(false);
        if (perLayer) {
            int max = 0;
            for (int h : m.getIntArray(key).orElseThrow()) {
                max = Math.max(max, h);
            }
            return max;
        }
        return m.getInt(key).orElseThrow(() -> new GgufFormatException("the file lacks " + key));
    }

    private static int required(GgufMetadata m, String arch, String key) {
        return m.getInt(arch + "." + key).orElseThrow(() -> new GgufFormatException("the file lacks " + arch + "." + key));
    }

    /** The memory estimate of this file's ring for {@code contextTokens} of cache. */
    public MemoryEstimate estimate(int contextTokens, int kvBytesPerElement) {
        return new MemoryEstimate(bytes, kvElementsPerTokenPerLayer, contextTokens, kvBytesPerElement);
    }
}
