package exo.node;

import exo.engine.java.tensor.WorkerPool;
import exo.node.ring.RingEngine;
import exo.node.ring.ShardLoads;
import exo.peer.PeerConfig;
import exo.peer.PeerNetwork;
import exo.peer.netty.NettyPeerNetwork;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running exo node: the peer network, the shards it hosts and the sessions it serves, wired
 * together. Each part has one job; this class only builds them in order and closes them in the
 * reverse order.
 */
public final class Node implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("exo.node");

    private final NodeConfig config;
    private final WorkerPool pool;
    private final ShardHost shards;
    private final ExecutorService compute;
    private final ExecutorService loading;
    private final ShardLoads loads = new ShardLoads();
    private final AtomicReference<RingEngine> tail = new AtomicReference<>();
    private final SessionRouter router;
    private final PeerNetwork network;
    private final PeerDialer dialer;

    private Node(NodeConfig config, ExoHome home) throws IOException {
        this.config = config;
        this.pool = new WorkerPool(config.threads());
        this.shards = new ShardHost(SliceSource.fromEnvironment(config.modelsDir(), System.getenv()), pool);
        this.compute = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("exo-compute").daemon().factory());
        this.loading = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("exo-loader").daemon().factory());
        long memory = config.memoryBytes() != null ? config.memoryBytes() : LocalMachine.usableMemoryBytes();
        double flops = FlopsProbe.cachedOrMeasure(home, pool);
        DeviceCapabilities device = new DeviceCapabilities(config.name(), memory, LocalMachine.cores(), flops);
        NodeInfo self = new NodeInfo(config.nodeId(), LocalMachine.advertisedHost(config.host()), config.port(), device);
        PeerConfig peerConfig = PeerConfig.of(self).withBind(config.host(), config.port())
                .withHeartbeatInterval(config.heartbeat());
        if (config.clusterKey().isPresent()) {
            peerConfig = peerConfig.withClusterKey(config.clusterKey().get());
        }
        PeerLookup peers = new PeerLookup();
        this.router = new SessionRouter(config.nodeId(), shards, peers, compute);
        this.network = NettyPeerNetwork.start(peerConfig,
                new MessageDispatcher(new ShardLoader(shards, loading), router, loads, tail));
        peers.bind(network);
        this.dialer = new PeerDialer(network, config.peers());
    }

    public static Node start(NodeConfig config, ExoHome home) throws IOException {
        Node node = new Node(config, home);
        node.dialer.start();
        return node;
    }

    /** Dials the static peers now and waits up to {@code millis} for their handshakes. */
    public void connectToPeers(long millis) {
        dialer.dialNow(millis);
    }

    public NodeInfo info() {
        return network.self();
    }

    public PeerNetwork network() {
        return network;
    }

    public ShardHost shards() {
        return shards;
    }

    public ShardLoads loads() {
        return loads;
    }

    public WorkerPool pool() {
        return pool;
    }

    public NodeConfig config() {
        return config;
    }

    /** Makes this node the tail of {@code ring}: the hidden states of its sessions go there. */
    public void attachTail(RingEngine ring) {
        tail.set(ring);
    }

    @Override
    public void close() {
        dialer.close();
        RingEngine ring = tail.getAndSet(null);
        if (ring != null) {
            ring.close();
        }
        network.close();
        compute.shutdownNow();
        loading.shutdownNow();
        try {
            compute.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shards.close();
        pool.close();
        LOG.log(System.Logger.Level.INFO, "node " + config.nodeId() + " stopped");
    }
}
