package exo.engine.ggml;

import exo.engine.llamacpp.NativeBinding;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static exo.engine.llamacpp.NativeBinding.call;
import static exo.engine.llamacpp.NativeBinding.run;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcalls into ggml-backend.h's device registry: the devices of every backend built into the
 * library (llama.cpp build b4916), one Java method per C function, named as in C; each comment is
 * the C declaration. {@code int64_t} and {@code size_t} are {@code long}, enums {@code int}. No
 * policy here: ggml aborts the process on a failed assertion, so callers validate before they
 * call. Bound once, with the library, by {@link GgmlApi}.
 */
final class GgmlDeviceApi {
    private final MethodHandle devCount;
    private final MethodHandle devGet;
    private final MethodHandle devName;
    private final MethodHandle devDescription;
    private final MethodHandle devType;
    private final MethodHandle devMemory;
    private final MethodHandle devInit;
    private final MethodHandle devBufferType;
    private final MethodHandle buftIsHost;

    GgmlDeviceApi(NativeBinding binding) {
        devCount = binding.bind("ggml_backend_dev_count", FunctionDescriptor.of(JAVA_LONG));
        devGet = binding.bind("ggml_backend_dev_get", FunctionDescriptor.of(ADDRESS, JAVA_LONG));
        devName = binding.bind("ggml_backend_dev_name", FunctionDescriptor.of(ADDRESS, ADDRESS));
        devDescription = binding.bind("ggml_backend_dev_description", FunctionDescriptor.of(ADDRESS, ADDRESS));
        devType = binding.bind("ggml_backend_dev_type", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        devMemory = binding.bind("ggml_backend_dev_memory", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
        devInit = binding.bind("ggml_backend_dev_init", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        devBufferType = binding.bind("ggml_backend_dev_buffer_type", FunctionDescriptor.of(ADDRESS, ADDRESS));
        buftIsHost = binding.bind("ggml_backend_buft_is_host", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
    }

    /** {@code enum ggml_backend_dev_type} of b4916: CPU, GPU, ACCEL (an accelerator used beside the CPU, as BLAS). */
    static final int DEVICE_CPU = 0;
    static final int DEVICE_GPU = 1;

    /** {@code size_t ggml_backend_dev_count(void);} the devices of every backend built into the library. */
    long ggml_backend_dev_count() {
        return (long) call(() -> (long) devCount.invokeExact());
    }

    /** {@code ggml_backend_dev_t ggml_backend_dev_get(size_t index);} */
    MemorySegment ggml_backend_dev_get(long index) {
        return call(() -> (MemorySegment) devGet.invokeExact(index));
    }

    /** {@code const char * ggml_backend_dev_name(ggml_backend_dev_t device);} */
    String ggml_backend_dev_name(MemorySegment device) {
        return call(() -> NativeBinding.cString((MemorySegment) devName.invokeExact(device)));
    }

    /** {@code const char * ggml_backend_dev_description(ggml_backend_dev_t device);} */
    String ggml_backend_dev_description(MemorySegment device) {
        return call(() -> NativeBinding.cString((MemorySegment) devDescription.invokeExact(device)));
    }

    /** {@code enum ggml_backend_dev_type ggml_backend_dev_type(ggml_backend_dev_t device);} */
    int ggml_backend_dev_type(MemorySegment device) {
        return (int) call(() -> (int) devType.invokeExact(device));
    }

    /** {@code void ggml_backend_dev_memory(ggml_backend_dev_t device, size_t * free, size_t * total);} as {free, total}. */
    long[] ggml_backend_dev_memory(MemorySegment device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            run(() -> {
            devMemory.invokeExact(device, free, total);
        });
            return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        }
    }

    /** {@code ggml_backend_t ggml_backend_dev_init(ggml_backend_dev_t device, const char * params);} NULL on failure. */
    MemorySegment ggml_backend_dev_init(MemorySegment device) {
        return call(() -> (MemorySegment) devInit.invokeExact(device, MemorySegment.NULL));
    }

    /** {@code ggml_backend_buffer_type_t ggml_backend_dev_buffer_type(ggml_backend_dev_t device);} */
    MemorySegment ggml_backend_dev_buffer_type(MemorySegment device) {
        return call(() -> (MemorySegment) devBufferType.invokeExact(device));
    }

    /** {@code bool ggml_backend_buft_is_host(ggml_backend_buffer_type_t buft);} whether the CPU can address its memory. */
    boolean ggml_backend_buft_is_host(MemorySegment bufferType) {
        return (boolean) call(() -> (boolean) buftIsHost.invokeExact(bufferType));
    }
}
