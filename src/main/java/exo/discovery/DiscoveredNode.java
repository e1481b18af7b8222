package exo.discovery;

import exo.topology.NodeInfo;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A node some discovery mechanism has seen, identified by {@code node.id()}. A node seen on two
 * interfaces (or by mDNS and as a static peer) is one entry whose {@code addresses} hold every
 * address it was seen at; {@code node.host()} is the one to dial first.
 *
 * @param clusterFingerprint {@link ClusterFingerprint} of the cluster key the node advertised,
 *     {@link ClusterFingerprint#NONE} for a node without a key
 */
public record DiscoveredNode(NodeInfo node, List<PeerAddress> addresses, Instant lastSeen,
        Set<Source> sources, String clusterFingerprint) {

    /** How a node was found. */
    public enum Source { MDNS, STATIC }

    public DiscoveredNode {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(lastSeen, "lastSeen");
        Objects.requireNonNull(clusterFingerprint, "clusterFingerprint");
        addresses = List.copyOf(addresses);
        sources = Set.copyOf(sources);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("node " + node.id() + " was seen at no address");
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("node " + node.id() + " was seen by no source");
        }
    }

    public String id() {
        return node.id();
    }

    /** The same node, with everything but {@code lastSeen} compared: an update worth telling. */
    public boolean sameAs(DiscoveredNode other) {
        return node.equals(other.node) && addresses.equals(other.addresses)
                && sources.equals(other.sources) && clusterFingerprint.equals(other.clusterFingerprint);
    }
}
