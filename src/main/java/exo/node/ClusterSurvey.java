package exo.node;

import exo.discovery.DiscoveredNode;
import exo.discovery.DiscoveryListener;
import exo.discovery.PeerAddress;
import exo.discovery.mdns.MdnsConfig;
import exo.discovery.mdns.MdnsDiscovery;
import exo.peer.ClusterKey;
import exo.peer.Peer;
import exo.peer.PeerConfig;
import exo.peer.PeerListener;
import exo.peer.PeerMessage;
import exo.peer.netty.NettyPeerNetwork;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A look at the cluster from outside it (for `exo peers` and `exo plan`): listens to multicast
 * DNS without advertising, dials the static peers, and checks that each node found answers a
 * handshake. It joins nothing and offers no memory.
 */
public final class ClusterSurvey {
    /** One node as seen: where, what it offers, when it was last heard of, and whether it answered. */
    public record Seen(NodeInfo node, String address, Instant lastSeen, boolean reachable, String source) {
    }

    private ClusterSurvey() {
    }

    public static List<Seen> look(boolean mdns, List<PeerAddress> staticPeers, Optional<String> clusterKey, long waitMillis)
            throws IOException, InterruptedException {
        String id = "survey-" + Long.toHexString(System.nanoTime());
        NodeInfo self = new NodeInfo(id, "127.0.0.1", 0, new DeviceCapabilities("exo-peers", 0, 0, 0));
        PeerConfig config = PeerConfig.of(self).withBind("0.0.0.0", 0);
        if (clusterKey.isPresent()) {
            config = config.withClusterKey(ClusterKey.of(clusterKey.get()));
        }
        PeerListener quiet = (Peer peer, PeerMessage message) -> { };
        Map<String, Seen> seen = new LinkedHashMap<>();
        try (NettyPeerNetwork network = NettyPeerNetwork.start(config, quiet);
             MdnsDiscovery discovery = mdns ? new MdnsDiscovery(MdnsConfig.listening(clusterKey.orElse(null))) : null) {
            if (discovery != null) {
                discovery.start(DiscoveryListener.NONE);
            }
            List<CompletableFuture<Peer>> dialed = new ArrayList<>();
            for (PeerAddress p : staticPeers) {
                dialed.add(network.connect(p.host(), p.port()));
            }
            Thread.sleep(mdns ? waitMillis : 0);
            for (int i = 0; i < dialed.size(); i++) {
                try {
                    Peer peer = dialed.get(i).get(Math.max(1000, waitMillis), TimeUnit.MILLISECONDS);
                    seen.put(peer.info().id(), new Seen(peer.info(), staticPeers.get(i).toString(), Instant.now(), true, "static"));
                } catch (Exception e) {
                    seen.putIfAbsent(staticPeers.get(i).toString(), new Seen(null, staticPeers.get(i).toString(), null, false, "static"));
                }
            }
            if (discovery != null) {
                for (DiscoveredNode n : discovery.nodes()) {
                    if (seen.containsKey(n.id())) {
                        continue;
                    }
                    boolean reachable;
                    try {
                        reachable = network.connect(n.node().host(), n.node().port()).get(3, TimeUnit.SECONDS) != null;
                    } catch (Exception e) {
                        reachable = false;
                    }
                    seen.put(n.id(), new Seen(n.node(), n.node().address(), n.lastSeen(), reachable, "mdns"));
                }
            }
        }
        return List.copyOf(seen.values());
    }
}
