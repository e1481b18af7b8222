package exo.peer.netty;

import exo.peer.PeerMessage.Heartbeat;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Acts on the idle events of the {@code IdleStateHandler} at the head of the pipeline: when
 * this end has written nothing for one interval it sends a Heartbeat; when nothing at all
 * (not one byte) has arrived for three intervals the peer is dead and the connection closed.
 * Heartbeats themselves pass on to the listener, which may track when a peer was last heard.
 */
final class HeartbeatHandler extends ChannelInboundHandlerAdapter {
    private final Duration interval;
    private long sequence;

    HeartbeatHandler(Duration interval) {
        this.interval = interval;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(new Heartbeat(++sequence, System.currentTimeMillis()), ctx.voidPromise());
            } else if (idle.state() == IdleState.READER_IDLE) {
                Connections.close(ctx.channel(), "nothing received for " + 3 * interval.toMillis()
                        + " ms (3 heartbeat intervals); the peer is dead", Level.WARNING);
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }
}
