package exo.peer.netty;

import exo.peer.Peer;
import exo.peer.PeerListener;
import exo.peer.PeerMessage;
import exo.topology.NodeInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.AttributeKey;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The peers of this node, one per remote node id, and the listener they report to.
 *
 * <p>Two connections to one node (both nodes dialed each other at once, or one dialed twice)
 * are ranked the same way at both ends: by the id of the node that dialed, then by that
 * dialer's Hello nonce; the smaller wins. The loser is closed by the node that dialed it,
 * which knows it lost once its own handshake on the winner completes; the other end only
 * stops writing to it and keeps delivering what already arrived on it, so no message is cut
 * off by a close from the far side. A loser still open after a grace period is closed anyway.
 * The dialer says "duplicate-connection" before it closes, because the far end may see that
 * close before its own handshake on the winner completes: it then keeps the peer (no
 * disconnect, no second connect for the listener) for the grace period, waiting for the winner.
 */
final class PeerRegistry {
    private static final System.Logger LOG = System.getLogger(PeerRegistry.class.getName());
    private static final AttributeKey<Rank> RANK = AttributeKey.valueOf(PeerRegistry.class, "rank");
    /** The Error code a dialer sends on a duplicate connection it is about to close. */
    static final String DUPLICATE = "duplicate-connection";

    private final String selfId;
    private final PeerListener listener;
    private final Duration grace;
    private final Map<String, NettyPeer> peers = new HashMap<>();

    PeerRegistry(String selfId, PeerListener listener, Duration grace) {
        this.selfId = selfId;
        this.listener = listener;
        this.grace = grace;
    }

    private record Rank(String dialer, byte[] dialerNonce) implements Comparable<Rank> {
        @Override
        public int compareTo(Rank o) {
            int c = dialer.compareTo(o.dialer);
            return c != 0 ? c : Arrays.compareUnsigned(dialerNonce, o.dialerNonce);
        }
    }

    /** The peer for a connection whose handshake has completed; announces it when it is new. */
    NettyPeer bind(Channel ch, HandshakeCompleted done, boolean dialedHere) {
        NodeInfo remote = done.remote();
        Rank rank = dialedHere ? new Rank(selfId, done.localNonce()) : new Rank(remote.id(), done.remoteNonce());
        ch.attr(RANK).set(rank);
        NettyPeer peer;
        Channel loser = null;
        synchronized (this) {
            NettyPeer existing = peers.get(remote.id());
            if (existing == null) {
                peer = new NettyPeer(remote, ch);
                peers.put(remote.id(), peer);
            } else if (!existing.channel().isActive()) {
                // Its connection was closed as a duplicate (or just failed): this one takes over.
                existing.rebind(remote, ch);
                return existing;
            } else if (rank.compareTo(existing.channel().attr(RANK).get()) < 0) {
                loser = existing.channel();
                existing.rebind(remote, ch);
                peer = existing;
            } else {
                loser = ch;
                peer = existing;
            }
        }
        if (loser != null) {
            retire(loser, remote.id(), peer.channel().attr(RANK).get().dialer());
            return peer;
        }
        LOG.log(Level.INFO, "connected to node {0} ({1}) at {2}", remote.id(), remote.name(), ch.remoteAddress());
        callListener(() -> listener.onConnected(peer), peer);
        return peer;
    }

    private void retire(Channel loser, String node, String winnerDialer) {
        String reason = "duplicate connection to node " + node + "; keeping the one dialed by " + winnerDialer;
        Connections.recordReason(loser, reason);
        boolean dialedHere = loser.attr(RANK).get().dialer().equals(selfId);
        LOG.log(Level.INFO, "{0} ({1})", reason, dialedHere ? "closing the other" : "its dialer closes the other");
        if (dialedHere) {
            loser.writeAndFlush(new PeerMessage.Error(Optional.empty(), DUPLICATE, reason))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            loser.eventLoop().schedule(() -> Connections.close(loser, reason, Level.INFO), grace.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    void deliver(NettyPeer peer, PeerMessage message) {
        callListener(() -> listener.onMessage(peer, message), peer);
    }

    /**
     * Called when {@code ch} closed; reports the peer gone unless it has moved to another
     * connection, or, for a connection its dialer closed as a duplicate, moves to the winner
     * within the grace period.
     */
    void unbind(NettyPeer peer, Channel ch, String reason, boolean duplicate) {
        if (duplicate) {
            ch.eventLoop().schedule(() -> unbind(peer, ch, reason, false), grace.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        boolean current;
        synchronized (this) {
            current = peers.get(peer.info().id()) == peer && peer.channel() == ch;
            if (current) {
                peers.remove(peer.info().id());
            }
        }
        if (current) {
            disconnected(peer, reason);
        }
    }

    private void disconnected(NettyPeer peer, String reason) {
        LOG.log(Level.INFO, "node {0} disconnected: {1}", peer.info().id(), reason);
        callListener(() -> listener.onDisconnected(peer, reason), peer);
    }

    synchronized List<Peer> peers() {
        return List.copyOf(new ArrayList<>(peers.values()));
    }

    synchronized Optional<Peer> peer(String nodeId) {
        return Optional.ofNullable(peers.get(nodeId));
    }

    /** A connected peer that announced {@code host:port}, so dialing it again is not needed. */
    synchronized Optional<Peer> peerAt(String host, int port) {
        return peers.values().stream()
                .filter(p -> p.isActive() && p.info().host().equals(host) && p.info().port() == port)
                .map(Peer.class::cast).findFirst();
    }

    // A listener's bug must not take the connection down with it.
    private static void callListener(Runnable call, NettyPeer peer) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "peer listener failed on an event from node " + peer.info().id(), e);
        }
    }
}
