package exo.engine.ggml;

import exo.engine.llamacpp.LlamaCppException;
import exo.engine.llamacpp.LlamaLibrary;
import exo.engine.llamacpp.NativeBinding;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The part of ggml (llama.cpp build b4916) the slice engine uses, bound once per process, by
 * header: {@link #ops} (ggml.h), {@link #backend} (ggml-backend.h and ggml-cpu.h),
 * {@link #alloc} (ggml-alloc.h) and {@link #devices} (ggml-backend.h's device registry).
 *
 * <p>{@code ggml_tensor} is never read field by field (sizes come from {@code ggml_row_size}),
 * but its size is checked at load through {@code ggml_tensor_overhead()}, so a library of
 * another layout is refused before use.
 */
final class GgmlApi {
    /** sizeof(struct ggml_object) + sizeof(struct ggml_tensor) in b4916 (32 + 336). */
    static final long EXPECTED_TENSOR_OVERHEAD = 368;

    final GgmlOps ops;
    final GgmlBackends backend;
    final GgmlAllocator alloc;
    final GgmlDeviceApi devices;
    private final NativeBinding binding;

    GgmlApi(SymbolLookup lookup) {
        this.binding = new NativeBinding(lookup);
        this.ops = new GgmlOps(binding);
        this.backend = new GgmlBackends(binding);
        this.alloc = new GgmlAllocator(binding);
        this.devices = new GgmlDeviceApi(binding);
        long overhead = ops.ggml_tensor_overhead();
        if (overhead != EXPECTED_TENSOR_OVERHEAD) {
            throw new LlamaCppException("the llama.cpp library's ggml_tensor is " + overhead
                    + " bytes with its header; exo's ggml binding is for " + EXPECTED_TENSOR_OVERHEAD
                    + " (llama.cpp build " + LlamaLibrary.EXPECTED_BUILD + ")");
        }
    }

    /** The library's ggml, bound once per process with the library. */
    static GgmlApi bundled() {
        if (Holder.FAILURE != null) {
            throw new LlamaCppException(Holder.FAILURE.getMessage(), Holder.FAILURE);
        }
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final GgmlApi INSTANCE;
        static final RuntimeException FAILURE;

        static {
            GgmlApi api = null;
            RuntimeException failure = null;
            try {
                api = new GgmlApi(LlamaLibrary.bundled().symbols());
            } catch (RuntimeException e) {
                failure = e;
            }
            INSTANCE = api;
            FAILURE = failure;
        }
    }

    /** A handle for {@code name} with the given signature, for functions bound only where used (dequantizers). */
    MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return binding.bind(name, descriptor, options);
    }
}
