package exo.discovery.manual;

import exo.discovery.DiscoveredNode;
import exo.discovery.Discovery;
import exo.discovery.DiscoveryListener;
import exo.discovery.ListenerThread;
import exo.discovery.NodeTable;
import exo.discovery.PeerAddress;
import exo.topology.NodeInfo;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Peers given by hand, for networks where multicast is blocked. They start as
 * {@link #candidates()}: addresses to dial, ids unknown. When the peer layer's handshake tells
 * who answered at an address ({@link #identified}), that node is reported found; when the
 * address stops answering ({@link #unreachable}) it is reported lost and becomes a candidate
 * again, so the peer layer keeps redialing it.
 */
public final class StaticDiscovery implements Discovery {

    private final List<PeerAddress> peers;
    private final String clusterFingerprint;
    private final Clock clock;
    private final NodeTable table = new NodeTable();
    // dialed address -> the id its handshake gave
    private final Map<PeerAddress, String> identified = new ConcurrentHashMap<>();
    private volatile ListenerThread events;

    /**
     * @param clusterFingerprint ours: a static peer passed the handshake, which proves it holds
     *     our cluster key (or that neither side has one)
     */
    public StaticDiscovery(List<PeerAddress> peers, String clusterFingerprint, Clock clock) {
        this.peers = List.copyOf(new LinkedHashSet<>(peers));
        this.clusterFingerprint = Objects.requireNonNull(clusterFingerprint, "clusterFingerprint");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void start(DiscoveryListener listener) {
        if (events != null) {
            throw new IllegalStateException("static discovery was already started");
        }
        events = new ListenerThread("exo-static-discovery", listener);
    }

    @Override
    public List<DiscoveredNode> nodes() {
        return table.nodes();
    }

    /** The configured peers whose node is not known now. */
    @Override
    public List<PeerAddress> candidates() {
        return peers.stream().filter(p -> !identified.containsKey(p)).toList();
    }

    /** Every configured peer, identified or not. */
    public List<PeerAddress> peers() {
        return peers;
    }

    // synchronized: the table change and its queueing stay in one order across peer threads
    @Override
    public synchronized void identified(PeerAddress dialed, NodeInfo node) {
        if (!peers.contains(dialed)) {
            return;   // an address some other discovery found
        }
        String previous = identified.put(dialed, node.id());
        if (previous != null && !previous.equals(node.id())) {
            // another node answers there now (a restart with a new id)
            deliver(table.remove(channel(dialed), previous).stream().toList());
        }
        var sighting = new DiscoveredNode(node, List.of(dialed), clock.instant(),
                Set.of(DiscoveredNode.Source.STATIC), clusterFingerprint);
        deliver(table.put(channel(dialed), sighting).stream().toList());
    }

    @Override
    public synchronized void unreachable(PeerAddress dialed) {
        String id = identified.remove(dialed);
        if (id != null) {
            deliver(table.remove(channel(dialed), id).stream().toList());
        }
    }

    private void deliver(List<NodeTable.Change> changes) {
        ListenerThread sink = events;
        if (sink != null) {
            sink.deliver(changes);
        }
    }

    private static String channel(PeerAddress dialed) {
        return "static:" + dialed;
    }

    @Override
    public void close() {
        ListenerThread sink = events;
        if (sink != null) {
            sink.close();
        }
    }
}
