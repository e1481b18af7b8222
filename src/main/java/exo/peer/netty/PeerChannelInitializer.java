package exo.peer.netty;

import exo.peer.ClusterKey;
import exo.peer.Peer;
import exo.peer.PeerMessage;
import exo.topology.NodeInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The pipeline of one peer connection, accepted or dialed. Inbound data flows top to bottom,
 * outbound bottom to top:
 *
 * <pre>
 * tls         SslHandler         only with a cluster key: TLS 1.3, both ends authenticated by
 *                                the key ({@link ClusterTls}); first, so every byte after it
 *                                is plaintext to the handlers and ciphertext on the wire.
 * idle        IdleStateHandler   first, so that raw bytes count as life: a peer streaming a
 *                                64 MiB frame over a slow link is busy, not dead, though no
 *                                whole message has arrived yet; and every write passes it.
 * frames      FrameDecoder       bytes to frames at their length, refusing oversize lengths
 *                                before buffering (16 KiB until the handshake is done, so a
 *                                stranger cannot make a node buffer 64 MiB); must precede the
 *                                codec, which wants whole frames.
 * length      LengthFieldPrepender  outbound: puts the length in front of each encoded frame.
 * codec       PeerMessageCodec   frames to messages and back; everything after it sees records.
 * handshake   HandshakeHandler   before anything that acts on messages, so nothing passes
 *                                until the peer is known (and has proved the key); it removes
 *                                itself when done. Also swallows idle events until then.
 * slot        SlotGiver          gives back an accepted connection's handshake slot when the
 *                                handshake completes (see HandshakeSlots), then leaves.
 * heartbeat   HeartbeatHandler   after the handshake, so beats go only to accepted peers.
 * peer        PeerChannelHandler the business handler: binds the Peer, hands messages on.
 * errors      ErrorHandler       last, so it sees every exception from any handler above.
 * </pre>
 */
final class PeerChannelInitializer extends ChannelInitializer<Channel> {

    /** What every connection of one network shares. */
    record Settings(NodeInfo self, Optional<ClusterKey> key, Optional<ClusterTls> tls, Duration heartbeat,
            Duration handshakeTimeout, int maxFrameBytes, SecureRandom random, PeerRegistry registry,
            Consumer<Channel> track, HandshakeSlots slots) {
    }

    private final Settings settings;
    private final boolean dialedHere;
    private final CompletableFuture<Peer> connected;

    PeerChannelInitializer(Settings settings, boolean dialedHere, CompletableFuture<Peer> connected) {
        this.settings = settings;
        this.dialedHere = dialedHere;
        this.connected = connected;
    }

    @Override
    protected void initChannel(Channel ch) {
        settings.track().accept(ch);
        if (!dialedHere && !takeHandshakeSlot(ch)) {
            return;
        }
        long beat = settings.heartbeat().toMillis();
        byte[] nonce = new byte[PeerMessage.NONCE_BYTES];
        settings.random().nextBytes(nonce);
        settings.tls().ifPresent(tls -> ch.pipeline().addLast("tls",
                tls.handler(ch.alloc(), dialedHere, settings.handshakeTimeout())));
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(3 * beat, beat, 0, TimeUnit.MILLISECONDS))
                .addLast("frames", new FrameDecoder(settings.maxFrameBytes()))
                .addLast("length", new LengthFieldPrepender(4))
                .addLast("codec", new PeerMessageCodec(settings.maxFrameBytes()))
                .addLast("handshake", new HandshakeHandler(settings.self(), settings.key(), nonce,
                        settings.handshakeTimeout()))
                .addLast("slot", new SlotGiver())
                .addLast("heartbeat", new HeartbeatHandler(settings.heartbeat()))
                .addLast("peer", new PeerChannelHandler(settings.registry(), dialedHere,
                        connected != null ? connected : new CompletableFuture<>()))
                .addLast("errors", new ErrorHandler());
    }

    /**
     * An accepted connection waits for its handshake in a bounded slot ({@link HandshakeSlots});
     * without one it is closed at once. The slot is given back when the handshake completes or
     * the connection closes, whichever is first.
     */
    private boolean takeHandshakeSlot(Channel ch) {
        if (!(ch.remoteAddress() instanceof java.net.InetSocketAddress remote)) {
            return true; // not a network connection (an embedded channel in tests)
        }
        var refusal = settings.slots().take(remote.getAddress());
        if (refusal.isPresent()) {
            Connections.recordReason(ch, "refused: " + refusal.get().why());
            if (refusal.get().first()) {
                System.getLogger(PeerChannelInitializer.class.getName()).log(System.Logger.Level.WARNING,
                        "refusing connections from " + remote.getAddress().getHostAddress() + ": "
                                + refusal.get().why() + " (logged once until they end)");
            }
            ch.close();
            return false;
        }
        java.util.concurrent.atomic.AtomicBoolean given = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable give = () -> {
            if (given.compareAndSet(false, true)) {
                settings.slots().give(remote.getAddress());
            }
        };
        ch.closeFuture().addListener(f -> give.run());
        ch.attr(GIVE_SLOT).set(give);
        return true;
    }

    private static final io.netty.util.AttributeKey<Runnable> GIVE_SLOT =
            io.netty.util.AttributeKey.valueOf(PeerChannelInitializer.class, "giveHandshakeSlot");

    /** Gives the handshake slot back once the handshake completed, then leaves the pipeline. */
    private static final class SlotGiver extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HandshakeCompleted) {
                Runnable give = ctx.channel().attr(GIVE_SLOT).getAndSet(null);
                if (give != null) {
                    give.run();
                }
                ctx.pipeline().remove(this);
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
