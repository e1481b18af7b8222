package exo.topology;

import exo.InvalidInputException;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * exo's ring memory-weighted strategy, with its faults fixed.
 *
 * <p>As in exo: machines are ordered by memory, largest first (ties by name), and the
 * boundary after the i-th machine is floor(cumulative memory fraction x layers). Unlike exo,
 * the fraction is exact (integer arithmetic, not a float rounded to 5 decimals), machines
 * with no memory or beyond the layer count are left out with a reason, and boundaries are
 * then nudged so every machine in the ring keeps at least one layer; exo instead dropped
 * empty shards and handed the remaining machines the wrong ones.
 *
 * <p>Where every proportional share is at least one layer, the nudging never triggers and
 * each machine's count is within one layer of its share (floors of two cumulative sums that
 * differ by the share).
 *
 * <p>What is shared in proportion to memory is a cost per layer ({@link LayerCosts}), not the
 * layer count: exo counts only layers, and the tail of two equal machines then did 99% of the
 * time's work while the head did half (bench's busy column, Llama 3.2 1B shapes), because the
 * tail also computes the output head. With costs, the tail's output head counts (it takes that
 * many fewer layers, keeping one at least), and layers of different sizes count by size: a
 * DeepSeek ring weighs its three small dense layers and its large expert layers as what they
 * are, in bytes read per token or bytes of memory ({@link MemoryEstimate#workCosts()},
 * {@link MemoryEstimate#memoryCosts()}).
 */
public final class RingMemoryWeighted implements PartitioningStrategy {
    /** The cost of each part, or null to count layers alone. */
    private final LayerCosts costs;

    /** Layers alone, as if the output head were free. */
    public RingMemoryWeighted() {
        this(null);
    }

    private RingMemoryWeighted(LayerCosts costs) {
        this.costs = costs;
    }

    /**
     * Counting {@code shape}'s work: each layer's parameters one token reads, and the output
     * head on the tail (a plan from a tensor table weighs bytes instead, {@link #byCost}).
     */
    public static RingMemoryWeighted forModel(ModelShape shape) {
        long[] layers = new long[shape.layers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = shape.activeLayerParameters(l);
        }
        return new RingMemoryWeighted(new LayerCosts(layers, 0, shape.outputParameters()));
    }

    /** Sharing {@code costs} in proportion to memory. */
    public static RingMemoryWeighted byCost(LayerCosts costs) {
        return new RingMemoryWeighted(java.util.Objects.requireNonNull(costs, "costs"));
    }

    private static final Comparator<DeviceCapabilities> LARGEST_FIRST =
            Comparator.comparingLong(DeviceCapabilities::memoryBytes).reversed()
                    .thenComparing(DeviceCapabilities::name);

    @Override
    public Partition partition(List<DeviceCapabilities> devices, String model, int layers, String tail) {
        if (layers < 1) {
            throw new IllegalArgumentException("model " + model + " has no layers to split");
        }
        if (costs != null && costs.count() != layers) {
            throw new IllegalArgumentException("costs for " + costs.count() + " layers, not the " + layers + " of "
                    + model);
        }
        Set<String> names = new HashSet<>();
        for (DeviceCapabilities d : devices) {
            if (!names.add(d.name())) {
                throw new InvalidInputException("device", "two machines are named " + d.name());
            }
        }
        if (tail != null && !names.contains(tail)) {
            throw new InvalidInputException("tail", "the tail " + tail + " is not one of the machines");
        }

        List<DeviceCapabilities> byMemory = devices.stream().sorted(LARGEST_FIRST).toList();
        List<DeviceCapabilities> members = new ArrayList<>();
        List<Partition.Exclusion> excluded = new ArrayList<>();
        for (DeviceCapabilities d : byMemory) {
            if (d.memoryBytes() == 0) {
                excluded.add(new Partition.Exclusion(d, "no usable memory"));
            } else if (members.size() == layers) {
                excluded.add(new Partition.Exclusion(d, "more machines than the " + layers + " layers"));
            } else {
                members.add(d);
            }
        }
        if (members.isEmpty()) {
            throw new InvalidInputException("device", "no machine has usable memory to hold " + model);
        }
        // The tail must stay in the ring even when it is among the smallest: swap it for the
        // smallest member so the ring keeps one machine per layer at most.
        if (tail != null && members.stream().noneMatch(d -> d.name().equals(tail))) {
            DeviceCapabilities t = byMemory.stream().filter(d -> d.name().equals(tail)).findFirst().orElseThrow();
            if (t.memoryBytes() == 0) {
                throw new InvalidInputException("tail", "the tail " + tail + " has no usable memory");
            }
            DeviceCapabilities dropped = members.removeLast();
            excluded.removeIf(e -> e.device().name().equals(tail));
            excluded.addFirst(new Partition.Exclusion(dropped, "more machines than the " + layers + " layers"));
            members.add(t);
            members.sort(LARGEST_FIRST);
        }

        List<DeviceCapabilities> ring = new ArrayList<>(members);
        if (tail != null) {
            DeviceCapabilities t = ring.stream().filter(d -> d.name().equals(tail)).findFirst().orElseThrow();
            ring.remove(t);
            ring.add(t);
        }

        int[] bounds = boundaries(ring, costs == null ? LayerCosts.uniform(layers) : costs);
        List<Assignment> assignments = new ArrayList<>();
        for (int i = 0; i < ring.size(); i++) {
            assignments.add(new Assignment(ring.get(i), i, Role.of(i, ring.size()),
                    new Shard(model, bounds[i], bounds[i + 1], layers)));
        }
        return new Partition(assignments, excluded);
    }

    static int[] boundaries(List<DeviceCapabilities> ring, int layers) {
        return boundaries(ring, LayerCosts.uniform(layers));
    }

    /**
     * bounds[0] = 0, bounds[k] = layers, bounds[i] = the most layers whose cost (with the head's)
     * is at most mem(0..i) / total memory of the total cost, then forced strictly increasing:
     * first up from the left, then down from the right (which cannot break the left pass
     * because at most {@code layers} machines are in the ring). With equal layers and no head
     * or tail cost this is floor(mem(0..i) x layers / total), exo's boundary.
     */
    static int[] boundaries(List<DeviceCapabilities> ring, LayerCosts costs) {
        int k = ring.size();
        int layers = costs.count();
        BigInteger totalMemory = BigInteger.ZERO;
        for (DeviceCapabilities d : ring) {
            totalMemory = totalMemory.add(BigInteger.valueOf(d.memoryBytes()));
        }
        BigInteger totalCost = BigInteger.valueOf(costs.total());
        // prefix[j]: the cost of the head and layers [0, j)
        BigInteger[] prefix = new BigInteger[layers + 1];
        prefix[0] = BigInteger.valueOf(costs.head());
        for (int j = 0; j < layers; j++) {
            prefix[j + 1] = prefix[j].add(BigInteger.valueOf(costs.layer(j)));
        }
        int[] b = new int[k + 1];
        BigInteger cumulative = BigInteger.ZERO;
        int j = 0;
        for (int i = 1; i < k; i++) {
            cumulative = cumulative.add(BigInteger.valueOf(ring.get(i - 1).memoryBytes()));
            BigInteger share = cumulative.multiply(totalCost); // compared with prefix x total memory
            while (j < layers && prefix[j + 1].multiply(totalMemory).compareTo(share) <= 0) {
                j++;
            }
            b[i] = j;
        }
        b[k] = layers;
        for (int i = 1; i < k; i++) {
            b[i] = Math.max(b[i], b[i - 1] + 1);
        }
        for (int i = k - 1; i >= 1; i--) {
            b[i] = Math.min(b[i], b[i + 1] - 1);
        }
        return b;
    }
}
