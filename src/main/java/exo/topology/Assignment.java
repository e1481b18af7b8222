package exo.topology;

import java.util.Objects;

/** One machine's slice of the ring: who, where in the ring, which layers. */
public record Assignment(DeviceCapabilities device, int position, Role role, Shard shard) {

    public Assignment {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(shard, "shard");
        if (position < 0) {
            throw new IllegalArgumentException("negative ring position");
        }
    }
}
