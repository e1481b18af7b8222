package exo.engine.ggml;

import exo.engine.llamacpp.NativeBinding;
import exo.gguf.GgmlType;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * llama.cpp's own quantizers and dequantizers ({@code ggml_quantize_chunk}, {@code dequantize_row_*}),
 * so that synthetic models carry exactly the bytes llama.cpp's converter would write and the
 * Java engine's decoders can be checked against the reference bit for bit.
 */
public final class GgmlQuants {
    private final GgmlApi api;
    private final Map<GgmlType, MethodHandle> dequantizers = new ConcurrentHashMap<>();

    private GgmlQuants(GgmlApi api) {
        this.api = api;
    }

    /** The quantizers of the llama.cpp library exo loads; throws a one-line error when it cannot be loaded. */
    public static GgmlQuants bundled() {
        return new GgmlQuants(GgmlApi.bundled());
    }

    /**
     * Encodes {@code rows} rows of {@code perRow} floats as {@code type}, as llama.cpp's
     * quantizer does without an importance matrix.
     *
     * @throws IllegalArgumentException for a row length that is not whole blocks, or a type that
     *     needs an importance matrix (IQ2/IQ1)
     */
    public byte[] quantize(GgmlType type, float[] src, int rows, int perRow) {
        if ((long) rows * perRow != src.length) {
            throw new IllegalArgumentException(src.length + " floats are not " + rows + " rows of " + perRow);
        }
        if (perRow % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " rows must be whole blocks of " + type.blockSize() + ", not "
                    + perRow);
        }
        if (api.ops.ggml_quantize_requires_imatrix(type.id())) {
            throw new IllegalArgumentException(type + " needs an importance matrix");
        }
        byte[] out = new byte[Math.toIntExact(type.byteSize((long) rows * perRow))];
        long written = api.ops.ggml_quantize_chunk(type.id(), MemorySegment.ofArray(src), MemorySegment.ofArray(out), 0,
                rows, perRow);
        if (written != out.length) {
            throw new IllegalStateException("ggml_quantize_chunk wrote " + written + " bytes, expected " + out.length);
        }
        return out;
    }

    /** Decodes {@code n} elements of {@code type} from {@code data} with llama.cpp's {@code dequantize_row_*}. */
    public float[] dequantize(GgmlType type, MemorySegment data, int n) {
        if (n % type.blockSize() != 0 || data.byteSize() < type.byteSize(n)) {
            throw new IllegalArgumentException(n + " elements of " + type + " need " + type.byteSize(n)
                    + " bytes in whole blocks; got " + data.byteSize());
        }
        MethodHandle h = dequantizers.computeIfAbsent(type, t -> api.bind(
                "dequantize_row_" + t.name().toLowerCase(Locale.ROOT).replace("_k", "_K"),
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG), Linker.Option.critical(true)));
        float[] out = new float[n];
        NativeBinding.run(() -> {
            h.invokeExact(data, MemorySegment.ofArray(out), (long) n);
        });
        return out;
    }
}
