package exo.discovery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The nodes seen, merged by id. Each sighting comes through a named channel (an mDNS instance
 * on one interface, the static list, one child of a combined discovery); a node is one entry
 * however many channels see it, and is lost only when the last channel drops it. The merged
 * entry takes its {@code NodeInfo} (whose host is the address seen there) and fingerprint from
 * the channel that saw the node first, and its last-seen time from the freshest sighting: two
 * interfaces refreshing in turn must not flip the entry back and forth and fire an update each
 * time. Thread-safe.
 */
public final class NodeTable {

    /** What a change to the table means to a listener. */
    public enum Kind { FOUND, UPDATED, LOST }

    /** One change, ready to hand to a {@link DiscoveryListener}. */
    public record Change(Kind kind, DiscoveredNode node) {
        public void deliver(DiscoveryListener listener) {
            switch (kind) {
                case FOUND -> listener.found(node);
                case UPDATED -> listener.updated(node);
                case LOST -> listener.lost(node);
            }
        }
    }

    // id -> channel -> that channel's latest sighting; insertion order keeps addresses stable
    private final Map<String, Map<String, DiscoveredNode>> sightings = new HashMap<>();

    /** Records a sighting through {@code channel}; empty when only the last-seen time moved. */
    public synchronized Optional<Change> put(String channel, DiscoveredNode sighting) {
        Map<String, DiscoveredNode> byChannel = sightings.get(sighting.id());
        if (byChannel == null) {
            byChannel = new LinkedHashMap<>();
            byChannel.put(channel, sighting);
            sightings.put(sighting.id(), byChannel);
            return Optional.of(new Change(Kind.FOUND, merge(byChannel)));
        }
        DiscoveredNode before = merge(byChannel);
        byChannel.put(channel, sighting);
        DiscoveredNode after = merge(byChannel);
        return after.sameAs(before) ? Optional.empty() : Optional.of(new Change(Kind.UPDATED, after));
    }

    /** Drops what {@code channel} saw of node {@code id}: LOST when no channel sees it any more. */
    public synchronized Optional<Change> remove(String channel, String id) {
        Map<String, DiscoveredNode> byChannel = sightings.get(id);
        if (byChannel == null || !byChannel.containsKey(channel)) {
            return Optional.empty();
        }
        DiscoveredNode before = merge(byChannel);
        byChannel.remove(channel);
        if (byChannel.isEmpty()) {
            sightings.remove(id);
            return Optional.of(new Change(Kind.LOST, before));
        }
        DiscoveredNode after = merge(byChannel);
        return after.sameAs(before) ? Optional.empty() : Optional.of(new Change(Kind.UPDATED, after));
    }

    /** Drops sightings last seen before {@code cutoff}, through channels accepted by the filter. */
    public synchronized List<Change> expire(Instant cutoff, Predicate<String> channels) {
        List<Change> changes = new ArrayList<>();
        for (var node : List.copyOf(sightings.entrySet())) {
            for (var seen : List.copyOf(node.getValue().entrySet())) {
                if (channels.test(seen.getKey()) && seen.getValue().lastSeen().isBefore(cutoff)) {
                    remove(seen.getKey(), node.getKey()).ifPresent(changes::add);
                }
            }
        }
        return changes;
    }

    /** The ids known through {@code channel}. */
    public synchronized Set<String> idsSeenBy(String channel) {
        Set<String> ids = new LinkedHashSet<>();
        sightings.forEach((id, byChannel) -> {
            if (byChannel.containsKey(channel)) {
                ids.add(id);
            }
        });
        return ids;
    }

    public synchronized List<DiscoveredNode> nodes() {
        TreeMap<String, DiscoveredNode> sorted = new TreeMap<>();
        sightings.forEach((id, byChannel) -> sorted.put(id, merge(byChannel)));
        return List.copyOf(sorted.values());
    }

    public synchronized Optional<DiscoveredNode> node(String id) {
        return Optional.ofNullable(sightings.get(id)).map(NodeTable::merge);
    }

    private static DiscoveredNode merge(Map<String, DiscoveredNode> byChannel) {
        DiscoveredNode first = byChannel.values().iterator().next();
        Instant lastSeen = byChannel.values().stream()
                .map(DiscoveredNode::lastSeen).max(Comparator.naturalOrder()).orElseThrow();
        Set<PeerAddress> addresses = new LinkedHashSet<>();
        Set<DiscoveredNode.Source> sources = EnumSet.noneOf(DiscoveredNode.Source.class);
        for (DiscoveredNode seen : byChannel.values()) {
            addresses.addAll(seen.addresses());
            sources.addAll(seen.sources());
        }
        return new DiscoveredNode(first.node(), List.copyOf(addresses), lastSeen,
                sources, first.clusterFingerprint());
    }
}
