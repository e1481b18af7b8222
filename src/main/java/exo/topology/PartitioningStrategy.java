package exo.topology;

import java.util.List;

/** Splits a model's layers over machines into a ring. */
public interface PartitioningStrategy {

    /**
     * @param devices the machines that could take part (names unique)
     * @param tail    the machine that must be last in the ring (where a person chats), or null
     * @throws IllegalArgumentException when no valid ring exists (no machine with memory,
     *                                  duplicate names, an unknown tail)
     */
    Partition partition(List<DeviceCapabilities> devices, String model, int layers, String tail);
}
