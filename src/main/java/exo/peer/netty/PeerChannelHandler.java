package exo.peer.netty;

import exo.peer.Peer;
import exo.peer.PeerException;
import exo.peer.PeerMessage;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.CompletableFuture;

/**
 * The business end of one connection: binds it to a {@link NettyPeer} when the handshake
 * completes, hands every message to the listener (on this channel's event loop, hence in
 * order), and reports the peer gone with the recorded reason when the connection closes.
 * {@code connected} is the future of {@code connect()} for a dialed connection.
 */
final class PeerChannelHandler extends ChannelInboundHandlerAdapter {
    private final PeerRegistry registry;
    private final boolean dialedHere;
    private final CompletableFuture<Peer> connected;
    private NettyPeer peer;
    private boolean closedAsDuplicate;

    PeerChannelHandler(PeerRegistry registry, boolean dialedHere, CompletableFuture<Peer> connected) {
        this.registry = registry;
        this.dialedHere = dialedHere;
        this.connected = connected;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HandshakeCompleted done) {
            peer = registry.bind(ctx.channel(), done, dialedHere);
            connected.complete(peer);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // The handshake handler lets nothing through before the handshake, so peer is set.
        if (msg instanceof PeerMessage.Error e && e.sessionId().isEmpty() && e.code().equals(PeerRegistry.DUPLICATE)) {
            closedAsDuplicate = true;
            Connections.recordReason(ctx.channel(), e.message());
            return;
        }
        registry.deliver(peer, (PeerMessage) msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        String reason = Connections.reason(ctx.channel());
        if (peer != null) {
            registry.unbind(peer, ctx.channel(), reason, closedAsDuplicate);
        }
        connected.completeExceptionally(new PeerException("connection to " + Connections.describe(ctx.channel())
                + " ended before the handshake completed: " + reason));
        ctx.fireChannelInactive();
    }
}
