package exo.engine.ggml;

import exo.engine.GpuMode;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The devices the llama.cpp library's ggml can compute on: its CPU, and the GPUs of the backends
 * it was built with (Metal in the macOS library of de.kherud:llama, CUDA or Vulkan in a library
 * named by {@code EXO_LLAMA_LIB}). The bundled Linux library has the CPU only.
 */
public final class GgmlDevices {
    private GgmlDevices() {
    }

    /** What a device is: ggml's CPU, a GPU, or an accelerator that works beside the CPU (BLAS, AMX). */
    public enum Kind { CPU, GPU, ACCEL }

    /**
     * One device, as ggml describes it.
     *
     * @param index its place in ggml's device registry
     * @param name  ggml's short name, as "CPU", "Metal" or "CUDA0"
     */
    public record Device(int index, String name, String description, Kind kind, long freeBytes, long totalBytes) {
    }

    /** Every device of the bundled library (or EXO_LLAMA_LIB's). */
    public static List<Device> list() {
        return list(GgmlApi.bundled());
    }

    static List<Device> list(GgmlApi api) {
        List<Device> out = new ArrayList<>();
        long n = api.devices.ggml_backend_dev_count();
        for (int i = 0; i < n; i++) {
            MemorySegment d = api.devices.ggml_backend_dev_get(i);
            int type = api.devices.ggml_backend_dev_type(d);
            Kind kind = type == GgmlDeviceApi.DEVICE_CPU ? Kind.CPU : type == GgmlDeviceApi.DEVICE_GPU ? Kind.GPU : Kind.ACCEL;
            long[] memory = api.devices.ggml_backend_dev_memory(d);
            out.add(new Device(i, api.devices.ggml_backend_dev_name(d), api.devices.ggml_backend_dev_description(d), kind, memory[0],
                    memory[1]));
        }
        return out;
    }

    /** The device a slice computes on: the first GPU under {@link GpuMode#AUTO} where there is one, else the CPU. */
    public static Device choose(GpuMode gpu) {
        return choose(list(), gpu);
    }

    static Device choose(List<Device> devices, GpuMode gpu) {
        if (gpu == GpuMode.AUTO) {
            for (Device d : devices) {
                if (d.kind() == Kind.GPU) {
                    return d;
                }
            }
        }
        return devices.stream().filter(d -> d.kind() == Kind.CPU).findFirst().orElseThrow(() ->
                new exo.engine.llamacpp.LlamaCppException("the llama.cpp library offers no CPU device"));
    }

    static MemorySegment handle(GgmlApi api, Device device) {
        return api.devices.ggml_backend_dev_get(device.index());
    }
}
