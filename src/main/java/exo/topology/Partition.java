package exo.topology;

import java.util.List;
import java.util.Objects;

/**
 * A ring: assignments in ring order (head first, tail last), covering every layer exactly
 * once, plus the machines left out and why.
 */
public record Partition(List<Assignment> ring, List<Exclusion> excluded) {

    /** A machine that is not in the ring, with the reason shown to the user. */
    public record Exclusion(DeviceCapabilities device, String reason) {
    }

    public Partition {
        ring = List.copyOf(ring);
        excluded = List.copyOf(excluded);
        if (ring.isEmpty()) {
            throw new IllegalArgumentException("a ring needs at least one machine");
        }
        int expectedStart = 0;
        for (int i = 0; i < ring.size(); i++) {
            Assignment a = ring.get(i);
            if (a.position() != i || a.shard().start() != expectedStart) {
                throw new IllegalArgumentException("ring is not contiguous at position " + i);
            }
            expectedStart = a.shard().end();
        }
        if (expectedStart != ring.getFirst().shard().layers()) {
            throw new IllegalArgumentException("ring does not cover every layer");
        }
    }

    public Assignment head() {
        return ring.getFirst();
    }

    public Assignment tail() {
        return ring.getLast();
    }

    public Assignment assignmentOf(String deviceName) {
        Objects.requireNonNull(deviceName);
        return ring.stream().filter(a -> a.device().name().equals(deviceName)).findFirst().orElse(null);
    }
}
