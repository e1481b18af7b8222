package exo.discovery;

import exo.topology.NodeInfo;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Several discoveries as one ({@code --discovery both}): a node that mDNS finds and that is also
 * a static peer is one entry, with both sources and every address.
 */
public final class CombinedDiscovery implements Discovery {

    private final List<Discovery> parts;
    private final NodeTable table = new NodeTable();
    private volatile ListenerThread events;

    public CombinedDiscovery(List<Discovery> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a combined discovery needs at least one part");
        }
        this.parts = List.copyOf(parts);
    }

    @Override
    public void start(DiscoveryListener listener) throws IOException {
        if (events != null) {
            throw new IllegalStateException("discovery was already started");
        }
        events = new ListenerThread("exo-discovery", listener);
        try {
            for (int i = 0; i < parts.size(); i++) {
                parts.get(i).start(new Forward("part" + i));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Re-files one part's changes under that part's channel. Parts call from their own threads;
     * changing the table and queueing the change happen under one lock so that the listener
     * sees changes in the order the table made them.
     */
    private final class Forward implements DiscoveryListener {
        private final String channel;

        Forward(String channel) {
            this.channel = channel;
        }

        @Override
        public void found(DiscoveredNode node) {
            synchronized (table) {
                events.deliver(table.put(channel, node));
            }
        }

        @Override
        public void updated(DiscoveredNode node) {
            synchronized (table) {
                events.deliver(table.put(channel, node));
            }
        }

        @Override
        public void lost(DiscoveredNode node) {
            synchronized (table) {
                events.deliver(table.remove(channel, node.id()));
            }
        }
    }

    @Override
    public List<DiscoveredNode> nodes() {
        return table.nodes();
    }

    @Override
    public List<PeerAddress> candidates() {
        Set<PeerAddress> all = new LinkedHashSet<>();
        parts.forEach(p -> all.addAll(p.candidates()));
        return List.copyOf(all);
    }

    @Override
    public void identified(PeerAddress dialed, NodeInfo node) {
        parts.forEach(p -> p.identified(dialed, node));
    }

    @Override
    public void unreachable(PeerAddress dialed) {
        parts.forEach(p -> p.unreachable(dialed));
    }

    @Override
    public void close() {
        parts.forEach(Discovery::close);
        ListenerThread sink = events;
        if (sink != null) {
            sink.close();
        }
    }
}
