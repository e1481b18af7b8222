package exo.topology;

import java.util.List;

/**
 * A partition with each machine's memory needs checked against what it has, and what each
 * machine reads per token.
 *
 * @param basis what the split shared in proportion to memory
 */
public record RingPlan(Partition partition, List<Node> nodes, Basis basis) {

    /** What a split shares in proportion to memory. */
    public enum Basis {
        /** The bytes each part reads per token (decode speed): {@link MemoryEstimate#workCosts()}. */
        WORK("work (bytes read per token)"),
        /** The bytes each part holds: {@link MemoryEstimate#memoryCosts()}. */
        MEMORY("memory (bytes held)");

        private final String label;

        Basis(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One machine of the ring, what its shard needs and what it reads per token. */
    public record Node(Assignment assignment, long weightBytes, long kvBytes, long requiredBytes, long activeBytes) {
        public boolean fits() {
            return assignment.device().memoryBytes() >= requiredBytes;
        }

        public long shortBy() {
            return Math.max(0, requiredBytes - assignment.device().memoryBytes());
        }
    }

    public RingPlan {
        nodes = List.copyOf(nodes);
        java.util.Objects.requireNonNull(basis, "basis");
    }

    public static RingPlan check(Partition partition, MemoryEstimate estimate) {
        return check(partition, estimate, Basis.WORK);
    }

    public static RingPlan check(Partition partition, MemoryEstimate estimate, Basis basis) {
        if (partition.head().shard().layers() != estimate.layers()) {
            throw new IllegalArgumentException("a ring of " + partition.head().shard().layers()
                    + " layers checked against an estimate of " + estimate.layers());
        }
        return new RingPlan(partition, partition.ring().stream()
                .map(a -> new Node(a, estimate.weightBytes(a.shard()), estimate.kvBytes(a.shard()),
                        estimate.requiredBytes(a.shard()), estimate.activeBytes(a.shard())))
                .toList(), basis);
    }

    /**
     * The ring over {@code devices}: the work (bytes read per token) shared in proportion to
     * memory, so that each machine's time per token follows what it offers; where that leaves
     * a machine short of memory and sharing the memory itself fits, that split instead (the
     * two differ where the layers' sizes differ from what a token reads of them: experts,
     * dense leading layers, the embedding on the head). Where neither fits, the one that is
     * short by less.
     */
    public static RingPlan plan(List<DeviceCapabilities> devices, String model, String tail, MemoryEstimate estimate) {
        RingPlan byWork = check(RingMemoryWeighted.byCost(estimate.workCosts())
                .partition(devices, model, estimate.layers(), tail), estimate, Basis.WORK);
        if (byWork.fits()) {
            return byWork;
        }
        RingPlan byMemory = check(RingMemoryWeighted.byCost(estimate.memoryCosts())
                .partition(devices, model, estimate.layers(), tail), estimate, Basis.MEMORY);
        return byMemory.fits() || byMemory.totalShortBy() < byWork.totalShortBy() ? byMemory : byWork;
    }

    public boolean fits() {
        return nodes.stream().allMatch(Node::fits);
    }

    public long totalMemoryBytes() {
        return nodes.stream().mapToLong(n -> n.assignment().device().memoryBytes()).sum();
    }

    public long totalRequiredBytes() {
        return nodes.stream().mapToLong(Node::requiredBytes).sum();
    }

    public long totalShortBy() {
        return nodes.stream().mapToLong(Node::shortBy).sum();
    }

    /** Weight bytes the whole ring reads per token. */
    public long totalActiveBytes() {
        return nodes.stream().mapToLong(Node::activeBytes).sum();
    }
}
