package exo.peer.netty;

import exo.peer.Peer;
import exo.peer.PeerException;
import exo.peer.PeerMessage;
import exo.topology.NodeInfo;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * A remote node over its current connection. The connection can be swapped (when a
 * duplicate connection to the same node wins the tie-break) without the listener seeing the
 * peer go away, so the peer, not the channel, is what the rest of exo holds on to.
 */
final class NettyPeer implements Peer {
    private volatile NodeInfo info;
    private volatile Channel channel;

    NettyPeer(NodeInfo info, Channel channel) {
        this.info = info;
        this.channel = channel;
    }

    void rebind(NodeInfo info, Channel channel) {
        this.info = info;
        this.channel = channel;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public NodeInfo info() {
        return info;
    }

    @Override
    public boolean isActive() {
        return channel.isActive();
    }

    @Override
    public CompletableFuture<Void> close() {
        Channel ch = channel;
        Connections.close(ch, "closed by this node", System.Logger.Level.DEBUG);
        var done = new CompletableFuture<Void>();
        ch.closeFuture().addListener(f -> done.complete(null));
        return done;
    }

    @Override
    public CompletableFuture<Void> send(PeerMessage message) {
        if (message instanceof PeerMessage.Hello || message instanceof PeerMessage.HelloProof) {
            throw new IllegalArgumentException("the connection sends its own handshake, not " + message);
        }
        Channel ch = channel;
        var written = new CompletableFuture<Void>();
        if (!ch.isActive()) {
            written.completeExceptionally(new PeerException("node " + info.id() + " is disconnected: "
                    + Connections.reason(ch)));
            return written;
        }
        ch.writeAndFlush(message).addListener(f -> {
            if (f.isSuccess()) {
                written.complete(null);
            } else {
                written.completeExceptionally(new PeerException("sending " + message.getClass().getSimpleName()
                        + " to node " + info.id() + " failed: " + f.cause(), f.cause()));
            }
        });
        return written;
    }

    @Override
    public String toString() {
        return "Peer[" + info.id() + " at " + info.address() + "]";
    }
}
