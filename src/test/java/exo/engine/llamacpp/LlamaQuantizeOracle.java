package exo.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * llama.cpp's own quantizer ({@code llama_model_quantize}, b4916), as the oracle of the type
 * rules exo copies (exo.models.QuantRules). Test-only: exo never quantizes through llama.cpp.
 */
public final class LlamaQuantizeOracle {
    /** {@code struct llama_model_quantize_params} (llama.h, b4916). */
    private static final StructLayout PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("nthread"),
            JAVA_INT.withName("ftype"),
            JAVA_INT.withName("output_tensor_type"),
            JAVA_INT.withName("token_embedding_type"),
            JAVA_BOOLEAN.withName("allow_requantize"),
            JAVA_BOOLEAN.withName("quantize_output_tensor"),
            JAVA_BOOLEAN.withName("only_copy"),
            JAVA_BOOLEAN.withName("pure"),
            JAVA_BOOLEAN.withName("keep_split"),
            MemoryLayout.paddingLayout(3),
            ADDRESS.withName("imatrix"),
            ADDRESS.withName("kv_overrides"));

    private LlamaQuantizeOracle() {
    }

    /**
     * Quantizes {@code in} (an F32 or F16 GGUF) to {@code out} as {@code llama-quantize in out FTYPE}
     * does with its defaults: llama.cpp's per-tensor rules, no importance matrix.
     *
     * @param ftype a {@code llama_ftype} number (general.file_type)
     * @throws LlamaCppException with llama.cpp's error when it refuses
     */
    public static void quantize(Path in, Path out, int ftype) {
        LlamaLibrary library = LlamaLibrary.bundled();
        NativeBinding b = new NativeBinding(library.symbols());
        MethodHandle defaults = b.bind("llama_model_quantize_default_params", FunctionDescriptor.of(PARAMS));
        MethodHandle quantize = b.bind("llama_model_quantize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        try (Arena call = Arena.ofConfined()) {
            MemorySegment params = NativeBinding.call(() -> (MemorySegment) defaults.invokeExact((SegmentAllocator) call));
            params.set(JAVA_INT, PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("ftype")), ftype);
            params.set(JAVA_INT, PARAMS.byteOffset(MemoryLayout.PathElement.groupElement("nthread")), 1);
            MemorySegment inPath = call.allocateFrom(in.toString());
            MemorySegment outPath = call.allocateFrom(out.toString());
            NativeLog.clearError();
            int rc = NativeBinding.call(() -> (int) quantize.invokeExact(inPath, outPath, params));
            if (rc != 0) {
                throw new LlamaCppException("llama_model_quantize to ftype " + ftype + " failed: " + NativeLog.lastError());
            }
        }
    }
}
