package exo.engine.ggml;

import exo.engine.llamacpp.LlamaCppException;
import exo.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One session's keys and values for a shard's layers, laid out as llama.cpp lays out its
 * unified cache (F16, the default of llama.cpp's users): per layer, K is position-major rows of
 * {@code keyWidth} (kv_heads x head_dim; latent attention's compressed layout: the latent and
 * the roped key); V is stored transposed (dimension-major rows of {@code capacity} positions) so
 * that attention's V x softmax product reads contiguous rows, as llama.cpp does without flash
 * attention. With {@code valueWidth} 0 there is no V: values are read from the keys' latent.
 * Sliding-window layers keep every position, as b4916 does, and mask.
 *
 * <p>Unlike llama.cpp it does not reserve the whole context at once: capacity starts at 256
 * positions and doubles, copying what is held, so a short chat on a long-context model stays
 * small. Capacity is a multiple of 32, llama.cpp's padding of the attended cells. A GPU's
 * cache, which the CPU cannot copy, is made whole at once.
 */
final class GgmlKvCache implements AutoCloseable, exo.engine.ggml.graph.LayerCache {
    static final GgmlType TYPE = GgmlType.F16;
    private static final int ELEMENT = 2;
    private static final int INITIAL = 256;
    static final int PAD = 32;

    private final GgmlApi api;
    private final MemorySegment bufferType;
    private final int layers;
    private final int keyWidth;
    private final int valueWidth;
    private final int maxPositions;
    private MemorySegment context;
    private MemorySegment buffer;
    private MemorySegment[] keys;
    private MemorySegment[] values;
    private int capacity;
    private int length;

    GgmlKvCache(GgmlApi api, MemorySegment bufferType, int layers, int keyWidth, int valueWidth, int maxPositions) {
        this.api = api;
        this.bufferType = bufferType;
        this.layers = layers;
        this.keyWidth = keyWidth;
        this.valueWidth = valueWidth;
        this.maxPositions = pad(maxPositions);
        // A cache the CPU can address grows by copying; a GPU's is made whole at once, as llama.cpp makes it.
        allocate(api.devices.ggml_backend_buft_is_host(bufferType) ? Math.min(this.maxPositions, INITIAL) : this.maxPositions);
    }

    static int pad(int n) {
        return (n + PAD - 1) / PAD * PAD;
    }

    int length() {
        return length;
    }

    void setLength(int length) {
        this.length = length;
    }

    int capacity() {
        return capacity;
    }

    @Override
    public MemorySegment keys(int layer) {
        return keys[layer];
    }

    @Override
    public MemorySegment values(int layer) {
        return valueWidth == 0 ? MemorySegment.NULL : values[layer];
    }

    @Override
    public long keyRowBytes() {
        return (long) keyWidth * ELEMENT;
    }

    @Override
    public long valueRowBytes() {
        return (long) capacity * ELEMENT;
    }

    /** Makes room for positions [0, end), padded to 32 as the attention reads them. */
    void reserve(int end) {
        int needed = pad(end);
        if (needed <= capacity) {
            return;
        }
        if (needed > maxPositions) {
            throw new IllegalArgumentException("the session needs " + end + " positions; the context holds "
                    + maxPositions);
        }
        MemorySegment oldBuffer = buffer;
        MemorySegment oldContext = context;
        int oldCapacity = capacity;
        allocate(Math.min(maxPositions, Math.max(needed, capacity * 2)));
        MemorySegment oldBase = base(oldBuffer, oldCapacity);
        MemorySegment newBase = base(buffer, capacity);
        long oldLayerBytes = layerBytes(oldCapacity);
        long newLayerBytes = layerBytes(capacity);
        for (int l = 0; l < layers; l++) {
            // K: the first oldCapacity rows move as one block.
            MemorySegment.copy(oldBase, l * oldLayerBytes, newBase, l * newLayerBytes, (long) oldCapacity * keyWidth * ELEMENT);
            // V: each dimension's row of positions moves to its longer row.
            long oldV = l * oldLayerBytes + (long) oldCapacity * keyWidth * ELEMENT;
            long newV = l * newLayerBytes + (long) capacity * keyWidth * ELEMENT;
            for (int d = 0; d < valueWidth; d++) {
                MemorySegment.copy(oldBase, oldV + (long) d * oldCapacity * ELEMENT,
                        newBase, newV + (long) d * capacity * ELEMENT, (long) oldCapacity * ELEMENT);
            }
        }
        api.backend.ggml_backend_buffer_free(oldBuffer);
        api.ops.ggml_free(oldContext);
    }

    private MemorySegment base(MemorySegment buf, int cap) {
        return api.backend.ggml_backend_buffer_get_base(buf).reinterpret(layers * layerBytes(cap));
    }

    /** One layer's K then V for {@code positions} positions. */
    private long layerBytes(int positions) {
        return (long) positions * (keyWidth + valueWidth) * ELEMENT;
    }

    /** A context of 2 x layers tensor headers and one zeroed buffer holding them back to back. */
    private void allocate(int positions) {
        MemorySegment ctx;
        try (Arena arena = Arena.ofConfined()) {
            ctx = api.ops.ggml_init((2L * layers + 1) * api.ops.ggml_tensor_overhead(), true, arena);
        }
        if (MemorySegment.NULL.equals(ctx)) {
            throw new OutOfMemoryError("ggml_init failed for a KV cache");
        }
        long layerBytes = layerBytes(positions);
        MemorySegment buf = api.backend.ggml_backend_buft_alloc_buffer(bufferType, layers * layerBytes);
        if (MemorySegment.NULL.equals(buf)) {
            api.ops.ggml_free(ctx);
            throw new LlamaCppException("cannot allocate a KV cache of " + (layers * layerBytes >> 20) + " MiB");
        }
        // Cells past a session's length are read (masked to weight 0) and must not hold NaNs.
        api.backend.ggml_backend_buffer_clear(buf, (byte) 0);
        MemorySegment base = api.backend.ggml_backend_buffer_get_base(buf);
        MemorySegment[] k = new MemorySegment[layers];
        MemorySegment[] v = new MemorySegment[layers];
        for (int l = 0; l < layers; l++) {
            long at = base.address() + l * layerBytes;
            k[l] = api.ops.ggml_new_tensor_1d(ctx, TYPE.id(), (long) positions * keyWidth);
            api.backend.ggml_backend_tensor_alloc(buf, k[l], MemorySegment.ofAddress(at));
            if (valueWidth > 0) {
                v[l] = api.ops.ggml_new_tensor_1d(ctx, TYPE.id(), (long) positions * valueWidth);
                api.backend.ggml_backend_tensor_alloc(buf, v[l],
                        MemorySegment.ofAddress(at + (long) positions * keyWidth * ELEMENT));
            }
        }
        this.context = ctx;
        this.buffer = buf;
        this.keys = k;
        this.values = v;
        this.capacity = positions;
    }

    @Override
    public void close() {
        api.backend.ggml_backend_buffer_free(buffer);
        api.ops.ggml_free(context);
    }
}
