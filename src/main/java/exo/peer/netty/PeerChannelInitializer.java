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
 * heartbeat   HeartbeatHandler   after the handshake, so beats go only to accepted peers.
 * peer        PeerChannelHandler the business handler: binds the Peer, hands messages on.
 * errors      ErrorHandler       last, so it sees every exception from any handler above.
 * </pre>
 */
final class PeerChannelInitializer extends ChannelInitializer<Channel> {

    /** What every connection of one network shares. */
    record Settings(NodeInfo self, Optional<ClusterKey> key, Duration heartbeat, Duration handshakeTimeout,
            int maxFrameBytes, SecureRandom random, PeerRegistry registry, Consumer<Channel> track) {
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
        long beat = settings.heartbeat().toMillis();
        byte[] nonce = new byte[PeerMessage.NONCE_BYTES];
        settings.random().nextBytes(nonce);
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(3 * beat, beat, 0, TimeUnit.MILLISECONDS))
                .addLast("frames", new FrameDecoder(settings.maxFrameBytes()))
                .addLast("length", new LengthFieldPrepender(4))
                .addLast("codec", new PeerMessageCodec(settings.maxFrameBytes()))
                .addLast("handshake", new HandshakeHandler(settings.self(), settings.key(), nonce,
                        settings.handshakeTimeout()))
                .addLast("heartbeat", new HeartbeatHandler(settings.heartbeat()))
                .addLast("peer", new PeerChannelHandler(settings.registry(), dialedHere,
                        connected != null ? connected : new CompletableFuture<>()))
                .addLast("errors", new ErrorHandler());
    }
}
