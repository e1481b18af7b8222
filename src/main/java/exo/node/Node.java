package exo.node;

import exo.engine.EngineFactory;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.select.Engines;
import exo.node.ring.RingEngine;
import exo.node.ring.ShardLoads;
import exo.discovery.DiscoveredNode;
import exo.discovery.Discovery;
import exo.discovery.DiscoveryListener;
import exo.discovery.DiscoveryMode;
import exo.discovery.mdns.MdnsConfig;
import exo.discovery.mdns.MdnsDiscovery;
import exo.peer.ClusterKey;
import exo.peer.PeerConfig;
import exo.peer.PeerMessage;
import exo.peer.PeerNetwork;
import exo.peer.SessionStatus;
import exo.peer.netty.NettyPeerNetwork;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import exo.topology.Shard;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running exo node: the peer network, the shards it hosts and the sessions it serves, wired
 * together. Each part has one job; this class only builds them in order and closes them in the
 * reverse order.
 */
public final class Node implements AutoCloseable, exo.node.ring.RingHost {
    private static final System.Logger LOG = System.getLogger("exo.node");

    private final NodeConfig config;
    private final WorkerPool pool;
    private final Engines engines;
    private final ShardHost shards;
    private final SessionLanes compute;
    private final ExecutorService loading;
    private final ShardLoads loads = new ShardLoads();
    private final AtomicReference<RingEngine> tail = new AtomicReference<>();
    private final SessionRouter router;
    private final PeerRanges ranges = new PeerRanges();
    private final FileServer files;
    private final ExecutorService fileIo;
    private final PeerNetwork network;
    /** A session nobody has used for this long is freed on every node (DESIGN: idle sessions time out). */
    public static final java.time.Duration SESSION_IDLE = java.time.Duration.ofMinutes(30);

    private final PeerDialer dialer;
    private final java.util.concurrent.ScheduledExecutorService idleSweep =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("exo-idle-sweep").daemon().factory());
    private final Discovery discovery;
    private final long startedMillis = System.currentTimeMillis();

    private Node(NodeConfig config, ExoHome home) throws IOException {
        this.config = config;
        this.pool = new WorkerPool(config.threads());
        this.engines = Engines.resolve(config.engine(), config.gpu(), config.threads(), pool);
        LOG.log(System.Logger.Level.INFO, "engine " + engines.describe() + engines.fallbackReason()
                .map(r -> " because ggml is unavailable: " + r).orElse(""));
        this.shards = new ShardHost(SliceSource.fromEnvironment(config.modelsDir(), System.getenv()), engines);
        this.compute = new SessionLanes("exo-compute", SessionLanes.LANES);
        this.loading = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("exo-loader").daemon().factory());
        long memory = config.memoryBytes() != null ? config.memoryBytes() : LocalMachine.usableMemoryBytes();
        double flops = FlopsProbe.cachedOrMeasure(home, pool);
        DeviceCapabilities device = new DeviceCapabilities(config.name(), memory, LocalMachine.cores(), flops,
                engines.label());
        NodeInfo self = new NodeInfo(config.nodeId(), LocalMachine.advertisedHost(config.host()), config.port(), device);
        PeerConfig peerConfig = PeerConfig.of(self).withBind(config.host(), config.port())
                .withHeartbeatInterval(config.heartbeat()).withMaxFrameBytes(config.maxFrameBytes());
        if (config.clusterKey().isPresent()) {
            peerConfig = peerConfig.withClusterKey(ClusterKey.of(config.clusterKey().get()));
        }
        PeerLookup peers = new PeerLookup();
        this.router = new SessionRouter(config.nodeId(), shards, peers, compute);
        this.fileIo = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("exo-file-server-", 0).daemon()
                .factory());
        this.files = new FileServer(shards.source(), fileIo);
        this.network = NettyPeerNetwork.start(peerConfig, new MessageDispatcher(
                new ShardLoader(shards, loading, ranges, config.clusterKey().isPresent() ? null : registryFiles()),
                files, ranges, router, loads, tail, this::status));
        peers.bind(network);
        this.dialer = new PeerDialer(network, config.peers());
        this.discovery = config.discovery() == DiscoveryMode.STATIC ? null : startMdns();
        long idle = config.sessionIdle().toMillis();
        long sweep = Math.max(100, Math.min(TimeUnit.MINUTES.toMillis(1), idle / 2));
        idleSweep.scheduleWithFixedDelay(() -> router.releaseIdle(System.currentTimeMillis(), idle), sweep, sweep,
                TimeUnit.MILLISECONDS);
    }

    /**
     * The repository files of this node's models.yaml ($EXO_MODELS_FILE, else the built-in one):
     * what a node without a cluster key fetches for peers, so a stranger cannot make it download
     * whatever it names.
     */
    private static java.util.function.Predicate<exo.peer.ModelRef> registryFiles() {
        String file = System.getenv("EXO_MODELS_FILE");
        exo.models.ModelRegistry registry = file != null ? exo.models.ModelRegistry.load(java.nio.file.Path.of(file))
                : exo.models.ModelRegistry.bundled();
        java.util.Set<String> allowed = new java.util.HashSet<>();
        for (exo.models.ModelSpec m : registry.all()) {
            m.quants().values().forEach(q -> allowed.add(q.repo() + "/" + q.file()));
        }
        return ref -> ref.repo().map(r -> allowed.contains(r + "/" + ref.fileName())).orElse(true);
    }

    /**
     * Advertises this node on the LAN and dials every node of the same cluster that appears, so
     * the nodes of a LAN end up fully connected without anyone typing an address.
     */
    private Discovery startMdns() throws IOException {
        List<InetAddress> bind = LocalMachine.isWildcard(config.host()) ? List.of()
                : List.of(InetAddress.getByName(config.host()));
        MdnsDiscovery mdns = new MdnsDiscovery(MdnsConfig.advertising(network.self(), config.clusterKey().orElse(null))
                .withBindAddresses(bind));
        mdns.start(new DiscoveryListener() {
            @Override
            public void found(DiscoveredNode n) {
                dial(n);
            }

            @Override
            public void updated(DiscoveredNode n) {
                dial(n);
            }
        });
        return mdns;
    }

    private void dial(DiscoveredNode n) {
        if (network.peer(n.id()).isEmpty()) {
            network.connect(n.node().host(), n.node().port()).whenComplete((peer, e) -> {
                if (e != null) {
                    LOG.log(System.Logger.Level.DEBUG, "discovered node " + n.id() + " not reachable: " + e.getMessage());
                }
            });
        }
    }

    public static Node start(NodeConfig config, ExoHome home) throws IOException {
        Node node = new Node(config, home);
        node.dialer.start();
        return node;
    }

    /**
     * Gives peers {@code millis} to turn up: the static ones are dialed at once; nodes on the LAN
     * need a few seconds for multicast DNS to announce them, and there is no telling when the
     * last one has, so with discovery on this waits the whole period, unless {@code expected}
     * (when above 0) peers have answered before. Returns the static peers that did not answer,
     * each as "HOST:PORT: why".
     */
    public List<String> awaitPeers(long millis, int expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        List<String> unanswered = dialer.dialNow(millis);
        if (discovery == null) {
            return unanswered;
        }
        while (System.currentTimeMillis() < deadline) {
            if (expected > 0 && network.peers().size() >= expected) {
                return unanswered;
            }
            Thread.sleep(Math.min(50, Math.max(1, deadline - System.currentTimeMillis())));
        }
        // Nodes seen late are still being dialed: give their handshakes a moment.
        long settle = System.currentTimeMillis() + 2_000;
        while (System.currentTimeMillis() < settle
                && discovery.nodes().stream().anyMatch(n -> network.peer(n.id()).isEmpty())) {
            Thread.sleep(50);
        }
        return unanswered;
    }

    /**
     * What this node runs now, as `exo ps` asks for it: its loaded shards (its own tail's
     * among them) and its sessions, those of other tails it runs a slice of and its own.
     */
    public PeerMessage.Status status(long requestId) {
        long now = System.currentTimeMillis();
        List<Shard> loaded = new ArrayList<>(shards.loaded());
        List<SessionStatus> sessions = new ArrayList<>(router.sessions(now));
        RingEngine ring = tail.get();
        if (ring != null) {
            if (!loaded.contains(ring.tailShard())) {
                loaded.add(ring.tailShard());
            }
            sessions.addAll(ring.sessions(now));
        }
        return new PeerMessage.Status(requestId, now - startedMillis,
                loaded.subList(0, Math.min(loaded.size(), PeerMessage.Status.MAX_SHARDS)),
                sessions.subList(0, Math.min(sessions.size(), PeerMessage.Status.MAX_SESSIONS)));
    }

    @Override
    public int maxFrameBytes() {
        return config.maxFrameBytes();
    }

    @Override
    public NodeInfo info() {
        return network.self();
    }

    @Override
    public PeerNetwork network() {
        return network;
    }

    public ShardHost shards() {
        return shards;
    }

    @Override
    public ShardLoads loads() {
        return loads;
    }

    /** The engine this node computes its slices with, and the tail its own. */
    @Override
    public EngineFactory engines() {
        return engines;
    }

    public NodeConfig config() {
        return config;
    }

    /** Lets peers without the model read {@code file} from this node, as {@code model} names it. */
    @Override
    public void offer(exo.peer.ModelRef model, java.nio.file.Path file) {
        files.offer(model, file);
    }

    /** Bytes of model files this node served to peers, and took from them. */
    public long bytesServed() {
        return files.bytesServed();
    }

    @Override
    public void attachTail(RingEngine ring) {
        tail.set(ring);
    }

    @Override
    public void close() {
        if (discovery != null) {
            discovery.close();
        }
        dialer.close();
        idleSweep.shutdownNow();
        fileIo.shutdownNow();
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
