package exo.engine.ggml;

import exo.engine.llamacpp.NativeBinding;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static exo.engine.llamacpp.NativeBinding.call;
import static exo.engine.llamacpp.NativeBinding.run;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;

/**
 * Downcalls into ggml-alloc.h: placing a graph's intermediate tensors, and a context's tensors, in
 * backend buffers (llama.cpp build b4916), one Java method per C function, named as in C; each
 * comment is the C declaration. {@code int64_t} and {@code size_t} are {@code long}, enums {@code
 * int}. No policy here: ggml aborts the process on a failed assertion, so callers validate before
 * they call. Bound once, with the library, by {@link GgmlApi}.
 */
final class GgmlAllocator {
    private final MethodHandle allocCtxTensors;
    private final MethodHandle gallocrNew;
    private final MethodHandle gallocrAllocGraph;
    private final MethodHandle gallocrFree;

    GgmlAllocator(NativeBinding binding) {
        allocCtxTensors = binding.bind("ggml_backend_alloc_ctx_tensors_from_buft", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        gallocrNew = binding.bind("ggml_gallocr_new", FunctionDescriptor.of(ADDRESS, ADDRESS));
        gallocrAllocGraph = binding.bind("ggml_gallocr_alloc_graph", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS));
        gallocrFree = binding.bind("ggml_gallocr_free", FunctionDescriptor.ofVoid(ADDRESS));
    }

    /**
     * {@code ggml_backend_buffer_t ggml_backend_alloc_ctx_tensors_from_buft(struct ggml_context * ctx,
     * ggml_backend_buffer_type_t buft);} one buffer for every tensor of {@code ctx}; NULL on failure.
     */
    MemorySegment ggml_backend_alloc_ctx_tensors_from_buft(MemorySegment context, MemorySegment bufferType) {
        return call(() -> (MemorySegment) allocCtxTensors.invokeExact(context, bufferType));
    }

    /** {@code ggml_gallocr_t ggml_gallocr_new(ggml_backend_buffer_type_t buft);} */
    MemorySegment ggml_gallocr_new(MemorySegment buft) {
        return call(() -> (MemorySegment) gallocrNew.invokeExact(buft));
    }

    /** {@code bool ggml_gallocr_alloc_graph(ggml_gallocr_t galloc, struct ggml_cgraph * graph);} grows its buffer as needed. */
    boolean ggml_gallocr_alloc_graph(MemorySegment galloc, MemorySegment graph) {
        return (boolean) call(() -> (boolean) gallocrAllocGraph.invokeExact(galloc, graph));
    }

    /** {@code void ggml_gallocr_free(ggml_gallocr_t galloc);} */
    void ggml_gallocr_free(MemorySegment galloc) {
        run(() -> {
            gallocrFree.invokeExact(galloc);
        });
    }
}
