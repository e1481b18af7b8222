package exo.peer.netty;

import exo.peer.ClusterKey;
import exo.peer.PeerMessage;
import exo.peer.PeerMessage.Hello;
import exo.peer.PeerMessage.HelloProof;
import exo.topology.NodeInfo;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The handshake, both ways at once: each end sends its Hello as soon as the connection is up.
 * Without a cluster key the handshake is complete when the other's Hello arrives. With one,
 * each end answers the other's Hello with a {@link HelloProof} over the other's nonce and
 * completes when the other's proof checks out. Nothing but these messages may arrive before;
 * a refused peer is told why in an Error, logged, and closed. On completion this handler
 * fires {@link HandshakeCompleted} and leaves the pipeline, so it costs nothing afterwards.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(HandshakeHandler.class.getName());

    private enum State { AWAIT_HELLO, AWAIT_PROOF, DONE }

    private final NodeInfo self;
    private final Optional<ClusterKey> key;
    private final byte[] nonce;
    private final Duration timeout;
    private State state = State.AWAIT_HELLO;
    private Hello remote;
    private ScheduledFuture<?> timer;

    HandshakeHandler(NodeInfo self, Optional<ClusterKey> key, byte[] nonce, Duration timeout) {
        this.self = self;
        this.key = key;
        this.nonce = nonce.clone();
        this.timeout = timeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        byte[] fingerprint = key.map(ClusterKey::fingerprint).orElse(new byte[0]);
        ctx.writeAndFlush(new Hello(PeerMessage.PROTOCOL_VERSION, self, nonce, fingerprint));
        timer = ctx.executor().schedule(
                () -> refuse(ctx, "handshake not completed within " + timeout.toMillis() + " ms"),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case Hello hello when state == State.AWAIT_HELLO -> onHello(ctx, hello);
            case HelloProof proof when state == State.AWAIT_PROOF -> onProof(ctx, proof);
            case PeerMessage.Error error -> {
                String reason = "refused by the peer: " + error.message();
                if (Connections.recordReason(ctx.channel(), reason)) {
                    LOG.log(Level.WARNING, "{0} refused this node: {1}", Connections.describe(ctx.channel()), error.message());
                }
                ctx.close();
            }
            default -> refuse(ctx, "sent " + msg.getClass().getSimpleName() + " before the handshake completed");
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            tlsFailed(ctx, tls.cause());
        } else if (!(evt instanceof IdleStateEvent)) {
            // Heartbeats start once the handshake is done; its own timer bounds it until then.
            ctx.fireUserEventTriggered(evt);
        }
    }

    /**
     * A keyed connection whose TLS did not come up: one line saying why in the user's terms (the
     * TLS alert itself shows no key material: each end only learns the other is not of its
     * cluster). Nothing can be sent to the peer in the clear, so it is only logged and closed.
     */
    private void tlsFailed(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        cancelTimer();
        String why;
        if (cause instanceof io.netty.handler.ssl.NotSslRecordException) {
            why = "it does not speak TLS (it runs without a cluster key, or is not an exo node)";
        } else if (cause instanceof javax.net.ssl.SSLHandshakeException) {
            why = "it does not hold this cluster's key (TLS handshake refused: " + cause.getMessage() + ")";
        } else if (cause instanceof io.netty.handler.ssl.SslHandshakeTimeoutException) {
            why = "the TLS handshake did not finish within " + timeout.toMillis() + " ms";
        } else {
            why = "the connection closed during the TLS handshake (it runs without a cluster key, or with another)";
        }
        if (Connections.recordReason(ctx.channel(), "refused: " + why)) {
            LOG.log(Level.WARNING, "refused {0}: {1}", Connections.describe(ctx.channel()), why);
        }
        ctx.close();
    }

    private void onHello(ChannelHandlerContext ctx, Hello hello) {
        remote = hello;
        NodeInfo node = hello.node();
        ctx.channel().attr(Connections.REMOTE_NODE).set(node.id());
        if (node.id().equals(self.id())) {
            refuse(ctx, "it has this node's own id " + node.id());
        } else if (key.isPresent() && !hello.keyed()) {
            refuse(ctx, "it has no cluster key and this node requires one");
        } else if (key.isEmpty() && hello.keyed()) {
            refuse(ctx, "it requires a cluster key and this node has none");
        } else if (key.isPresent() && !Arrays.equals(key.get().fingerprint(), hello.keyFingerprint())) {
            refuse(ctx, "it has a different cluster key");
        } else if (key.isPresent()) {
            state = State.AWAIT_PROOF;
            ctx.writeAndFlush(new HelloProof(key.get().proof(hello.nonce(), self.id(), node.id())));
        } else {
            complete(ctx);
        }
    }

    private void onProof(ChannelHandlerContext ctx, HelloProof proof) {
        if (key.orElseThrow().verify(proof.mac(), nonce, remote.node().id(), self.id())) {
            complete(ctx);
        } else {
            refuse(ctx, "its cluster key proof is wrong (a different key with a colliding fingerprint, or a forgery)");
        }
    }

    private void complete(ChannelHandlerContext ctx) {
        state = State.DONE;
        cancelTimer();
        LOG.log(Level.DEBUG, "handshake with {0} completed", Connections.describe(ctx.channel()));
        if (ctx.pipeline().get("frames") instanceof FrameDecoder frames) {
            frames.handshakeDone();
        }
        ctx.fireUserEventTriggered(new HandshakeCompleted(remote.node(), nonce, remote.nonce()));
        ctx.pipeline().remove(this);
    }

    /** Tells the peer why in an Error (so its log says it too), logs it here, and closes. */
    private void refuse(ChannelHandlerContext ctx, String why) {
        if (state == State.DONE || !ctx.channel().isActive()) {
            return;
        }
        state = State.DONE;
        cancelTimer();
        if (Connections.recordReason(ctx.channel(), "refused: " + why)) {
            LOG.log(Level.WARNING, "refused {0}: {1}", Connections.describe(ctx.channel()), why);
        }
        ctx.writeAndFlush(new PeerMessage.Error(Optional.empty(), "handshake-refused", why))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
