package exo.topology;

import java.util.List;

/** A partition with each machine's memory needs checked against what it has. */
public record RingPlan(Partition partition, List<Node> nodes) {

    /** One machine of the ring and what its shard needs. */
    public record Node(Assignment assignment, long weightBytes, long kvBytes, long requiredBytes) {
        public boolean fits() {
            return assignment.device().memoryBytes() >= requiredBytes;
        }

        public long shortBy() {
            return Math.max(0, requiredBytes - assignment.device().memoryBytes());
        }
    }

    public RingPlan {
        nodes = List.copyOf(nodes);
    }

    public static RingPlan check(Partition partition, MemoryEstimate estimate) {
        return new RingPlan(partition, partition.ring().stream()
                .map(a -> new Node(a, estimate.weightBytes(a.shard()), estimate.kvBytes(a.shard()),
                        estimate.requiredBytes(a.shard())))
                .toList());
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
}
