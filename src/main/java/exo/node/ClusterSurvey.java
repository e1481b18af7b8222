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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A look at the cluster from outside it (for `exo peers`, `exo plan` and `exo ps`): listens to
 * multicast DNS without advertising, dials the static peers, and checks that each node found
 * answers a handshake; asked to, it also asks each node what it runs. It joins nothing and
 * offers no memory.
 */
public final class ClusterSurvey {
    /** How long a node that answered the handshake has to answer a status request. */
    static final long STATUS_WAIT_MILLIS = 3_000;

    /**
     * One node as seen: where, what it offers, when it was last heard of, whether it answered,
     * and (when asked for) what it runs.
     */
    public record Seen(NodeInfo node, String address, Instant lastSeen, boolean reachable, String source,
                       Optional<PeerMessage.Status> status) {
        Seen withStatus(Optional<PeerMessage.Status> s) {
            return new Seen(node, address, lastSeen, reachable, source, s);
        }
    }

    private ClusterSurvey() {
    }

    /**
     * The nodes seen within {@code waitMillis} (sooner once {@code expected} nodes, when above 0,
     * were seen); with {@code askStatus} each node that answered is asked what it runs.
     */
    public static List<Seen> look(boolean mdns, List<PeerAddress> staticPeers, Optional<String> clusterKey, long waitMillis,
                                  int expected, boolean askStatus) throws IOException, InterruptedException {
        String id = "survey-" + Long.toHexString(System.nanoTime());
        NodeInfo self = new NodeInfo(id, "127.0.0.1", 0, new DeviceCapabilities("exo-peers", 0, 0, 0));
        PeerConfig config = PeerConfig.of(self).withBind("0.0.0.0", 0);
        if (clusterKey.isPresent()) {
            config = config.withClusterKey(ClusterKey.of(clusterKey.get()));
        }
        StatusAnswers answers = new StatusAnswers();
        Map<String, Seen> seen = new LinkedHashMap<>();
        Map<String, Peer> connected = new LinkedHashMap<>();
        try (NettyPeerNetwork network = NettyPeerNetwork.start(config, answers);
             MdnsDiscovery discovery = mdns ? new MdnsDiscovery(MdnsConfig.listening(clusterKey.orElse(null))) : null) {
            if (discovery != null) {
                discovery.start(DiscoveryListener.NONE);
            }
            List<CompletableFuture<Peer>> dialed = new ArrayList<>();
            for (PeerAddress p : staticPeers) {
                dialed.add(network.connect(p.host(), p.port()));
            }
            if (mdns) {
                listen(discovery, dialed, waitMillis, expected);
            }
            for (int i = 0; i < dialed.size(); i++) {
                try {
                    Peer peer = dialed.get(i).get(Math.max(1000, waitMillis), TimeUnit.MILLISECONDS);
                    seen.put(peer.info().id(), new Seen(peer.info(), staticPeers.get(i).toString(), Instant.now(), true,
                            "static", Optional.empty()));
                    connected.put(peer.info().id(), peer);
                } catch (Exception e) {
                    seen.putIfAbsent(staticPeers.get(i).toString(), new Seen(null, staticPeers.get(i).toString(), null,
                            false, "static", Optional.empty()));
                }
            }
            if (discovery != null) {
                for (DiscoveredNode n : discovery.nodes()) {
                    if (seen.containsKey(n.id())) {
                        continue;
                    }
                    Peer peer;
                    try {
                        peer = network.connect(n.node().host(), n.node().port()).get(3, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        peer = null;
                    }
                    seen.put(n.id(), new Seen(n.node(), n.node().address(), n.lastSeen(), peer != null, "mdns",
                            Optional.empty()));
                    if (peer != null) {
                        connected.put(n.id(), peer);
                    }
                }
            }
            if (askStatus) {
                answers.ask(connected, STATUS_WAIT_MILLIS).forEach((node, status) ->
                        seen.computeIfPresent(node, (k, s) -> s.withStatus(Optional.of(status))));
            }
        }
        return List.copyOf(seen.values());
    }

    /** Listens for {@code waitMillis}, or until {@code expected} distinct nodes were found if that is sooner. */
    private static void listen(MdnsDiscovery discovery, List<CompletableFuture<Peer>> dialed, long waitMillis, int expected)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + waitMillis;
        while (System.currentTimeMillis() < deadline) {
            if (expected > 0) {
                java.util.Set<String> found = new java.util.HashSet<>();
                discovery.nodes().forEach(n -> found.add(n.id()));
                for (CompletableFuture<Peer> d : dialed) {
                    if (d.isDone() && !d.isCompletedExceptionally()) {
                        found.add(d.join().info().id());
                    }
                }
                if (found.size() >= expected) {
                    return;
                }
            }
            Thread.sleep(Math.min(50, Math.max(1, deadline - System.currentTimeMillis())));
        }
    }

    /** Sends each connected node a status request and collects the answers that come in time. */
    private static final class StatusAnswers implements PeerListener {
        private final AtomicLong nextRequest = new AtomicLong(1);
        private final Map<Long, CompletableFuture<PeerMessage.Status>> pending = new ConcurrentHashMap<>();

        @Override
        public void onMessage(Peer peer, PeerMessage message) {
            if (message instanceof PeerMessage.Status s) {
                CompletableFuture<PeerMessage.Status> f = pending.remove(s.requestId());
                if (f != null) {
                    f.complete(s);
                }
            }
        }

        Map<String, PeerMessage.Status> ask(Map<String, Peer> peers, long waitMillis) throws InterruptedException {
            Map<String, CompletableFuture<PeerMessage.Status>> asked = new LinkedHashMap<>();
            peers.forEach((node, peer) -> {
                long request = nextRequest.getAndIncrement();
                CompletableFuture<PeerMessage.Status> answer = new CompletableFuture<>();
                pending.put(request, answer);
                peer.send(new PeerMessage.StatusRequest(request));
                asked.put(node, answer);
            });
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
            Map<String, PeerMessage.Status> answered = new LinkedHashMap<>();
            for (var e : asked.entrySet()) {
                try {
                    long left = Math.max(0, deadline - System.nanoTime());
                    answered.put(e.getKey(), e.getValue().get(left, TimeUnit.NANOSECONDS));
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException late) {
                    // A node that does not answer in time shows without a status.
                }
            }
            return answered;
        }
    }
}
