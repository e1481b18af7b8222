package exo.peer.netty;

import exo.peer.ClusterKey;
import exo.peer.PeerConfig;
import exo.peer.PeerException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Networks on loopback port 0 for one test, all closed at its end. */
final class Cluster implements AutoCloseable {
    record Node(NettyPeerNetwork network, RecordingListener listener) {
    }

    private final List<NettyPeerNetwork> started = new ArrayList<>();

    Node start(String id, ClusterKey key) throws PeerException {
        return start(id, c -> c.withClusterKey(key));
    }

    Node start(String id, UnaryOperator<PeerConfig> tweak) throws PeerException {
        PeerConfig config = PeerConfig.of(Samples.node(id)).withBind("127.0.0.1", 0)
                .withHandshakeTimeout(Duration.ofSeconds(5)).withIoThreads(1);
        var listener = new RecordingListener();
        NettyPeerNetwork network = NettyPeerNetwork.start(tweak.apply(config), listener);
        started.add(network);
        return new Node(network, listener);
    }

    @Override
    public void close() {
        started.forEach(NettyPeerNetwork::close);
    }
}
