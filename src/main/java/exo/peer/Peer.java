package exo.peer;

import exo.peer.PeerMessage.Cancel;
import exo.peer.PeerMessage.Error;
import exo.peer.PeerMessage.Forward;
import exo.peer.PeerMessage.Heartbeat;
import exo.peer.PeerMessage.LoadShard;
import exo.peer.PeerMessage.Release;
import exo.peer.PeerMessage.SessionStart;
import exo.peer.PeerMessage.ShardFailed;
import exo.peer.PeerMessage.ShardProgress;
import exo.peer.PeerMessage.ShardReady;
import exo.peer.PeerMessage.Token;
import exo.topology.NodeInfo;
import java.util.concurrent.CompletableFuture;

/**
 * The other end of a connection whose handshake has completed: one per remote node. Each
 * send returns a future that completes once the message is written to the socket, or fails
 * with a {@link PeerException} when the connection is gone. Sends may be called from any
 * thread; messages sent from one thread arrive in the order they were sent. The handshake
 * messages have no send method: the connection sends them itself.
 */
public interface Peer {

    /** The node as it introduced itself in its Hello. */
    NodeInfo info();

    boolean isActive();

    CompletableFuture<Void> sendLoadShard(LoadShard message);

    CompletableFuture<Void> sendShardReady(ShardReady message);

    CompletableFuture<Void> sendShardFailed(ShardFailed message);

    CompletableFuture<Void> sendShardProgress(ShardProgress message);

    CompletableFuture<Void> sendRangeRequest(PeerMessage.RangeRequest message);

    CompletableFuture<Void> sendRangeReply(PeerMessage.RangeReply message);

    CompletableFuture<Void> sendRangeFailed(PeerMessage.RangeFailed message);

    CompletableFuture<Void> sendSessionStart(SessionStart message);

    CompletableFuture<Void> sendForward(Forward message);

    CompletableFuture<Void> sendToken(Token message);

    CompletableFuture<Void> sendRelease(Release message);

    CompletableFuture<Void> sendCancel(Cancel message);

    CompletableFuture<Void> sendHeartbeat(Heartbeat message);

    CompletableFuture<Void> sendError(Error message);

    CompletableFuture<Void> sendStatusRequest(PeerMessage.StatusRequest message);

    CompletableFuture<Void> sendStatus(PeerMessage.Status message);

    /** Closes the connection; the listener hears {@code onDisconnected} once it is closed. */
    CompletableFuture<Void> close();
}
