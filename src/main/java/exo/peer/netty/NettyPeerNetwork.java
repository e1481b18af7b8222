package exo.peer.netty;

import exo.peer.Peer;
import exo.peer.PeerConfig;
import exo.peer.PeerException;
import exo.peer.PeerListener;
import exo.peer.PeerNetwork;
import exo.topology.NodeInfo;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The peer network on Netty NIO: one event-loop group (of {@link PeerConfig#ioThreads()}
 * daemon threads named after this node) accepts, dials and serves every connection.
 */
public final class NettyPeerNetwork implements PeerNetwork {
    private static final System.Logger LOG = System.getLogger(NettyPeerNetwork.class.getName());

    private final PeerConfig config;
    private final EventLoopGroup group;
    private final Channel server;
    private final NodeInfo self;
    private final PeerRegistry registry;
    private final PeerChannelInitializer.Settings settings;
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private NettyPeerNetwork(PeerConfig config, PeerListener listener) throws PeerException {
        this.config = config;
        this.group = new MultiThreadIoEventLoopGroup(config.ioThreads(),
                new DefaultThreadFactory("exo-peer-" + config.node().id(), true), NioIoHandler.newFactory());
        this.registry = new PeerRegistry(config.node().id(), listener, config.handshakeTimeout());
        // The Hello must carry the port really bound, so the settings of a connection are
        // known only after the bind: the server accepts nothing until they are (no auto-read).
        ChannelFuture bind = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new PeerChannelInitializer(settings, false, null));
                    }
                })
                .bind(config.bindHost(), config.port()).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw new PeerException("cannot listen on " + config.bindHost() + ":" + config.port() + ": "
                    + bind.cause().getMessage(), bind.cause());
        }
        this.server = bind.channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        NodeInfo node = config.node();
        this.self = new NodeInfo(node.id(), node.host(), port, node.device());
        this.settings = new PeerChannelInitializer.Settings(self, config.clusterKey(),
                config.clusterKey().map(ClusterTls::of), config.heartbeatInterval(), config.handshakeTimeout(),
                config.maxFrameBytes(), new SecureRandom(), registry, this::track, new HandshakeSlots());
        server.config().setAutoRead(true);
        LOG.log(Level.INFO, "node {0} listening for peers on {1}", self.id(), server.localAddress());
    }

    /** Binds and starts serving; {@code listener} hears about every peer, accepted or dialed. */
    public static NettyPeerNetwork start(PeerConfig config, PeerListener listener) throws PeerException {
        return new NettyPeerNetwork(config, listener);
    }

    @Override
    public NodeInfo self() {
        return self;
    }

    @Override
    public int port() {
        return self.port();
    }

    @Override
    public CompletableFuture<Peer> connect(String host, int port) {
        var connected = new CompletableFuture<Peer>();
        if (closed.get()) {
            connected.completeExceptionally(new PeerException("the peer network of node " + self.id() + " is closed"));
            return connected;
        }
        Optional<Peer> existing = registry.peerAt(host, port);
        if (existing.isPresent()) {
            connected.complete(existing.get());
            return connected;
        }
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.handshakeTimeout().toMillis())
                .handler(new PeerChannelInitializer(settings, true, connected))
                .connect(host, port).addListener(f -> {
                    if (!f.isSuccess()) {
                        connected.completeExceptionally(new PeerException("cannot connect to " + host + ":" + port
                                + ": " + f.cause().getMessage(), f.cause()));
                    }
                });
        return connected;
    }

    @Override
    public List<Peer> peers() {
        return registry.peers();
    }

    @Override
    public Optional<Peer> peer(String nodeId) {
        return registry.peer(nodeId);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close().syncUninterruptibly();
        for (Channel ch : List.copyOf(channels)) {
            Connections.close(ch, "node " + self.id() + " is shutting down", Level.DEBUG);
        }
        for (Channel ch : List.copyOf(channels)) {
            ch.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        LOG.log(Level.INFO, "node {0} stopped its peer network", self.id());
    }

    /** Connections open now, accepted or dialed, handshake done or not (for tests). */
    int openConnections() {
        return channels.size();
    }

    private void track(Channel ch) {
        if (closed.get()) {
            ch.close();
            return;
        }
        channels.add(ch);
        ch.closeFuture().addListener(f -> channels.remove(ch));
    }
}
