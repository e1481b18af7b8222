package exo.topology;

import java.util.Objects;

/**
 * What a machine offers the ring. {@code memoryBytes} is the memory usable for a shard
 * (measured, or given by the user because total memory misleads on some systems);
 * {@code cores} and {@code flops} are 0 when unknown (hypothetical devices); {@code engine}
 * says what computes its slices ("ggml/CPU", "java"), "" when unknown.
 */
public record DeviceCapabilities(String name, long memoryBytes, int cores, double flops, String engine) {

    /** A machine whose engine is not known. */
    public DeviceCapabilities(String name, long memoryBytes, int cores, double flops) {
        this(name, memoryBytes, cores, flops, "");
    }

    public DeviceCapabilities {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(engine, "engine");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a device needs a name");
        }
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("device " + name + " has negative memory");
        }
        if (cores < 0 || flops < 0 || Double.isNaN(flops)) {
            throw new IllegalArgumentException("device " + name + " has negative cores or flops");
        }
    }

    public static DeviceCapabilities hypothetical(String name, long memoryBytes) {
        return new DeviceCapabilities(name, memoryBytes, 0, 0);
    }
}
