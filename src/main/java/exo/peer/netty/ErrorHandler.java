package exo.peer.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * Last in the pipeline: whatever went wrong on this connection (a frame too large, bytes
 * that are not a message, a reset socket) closes it, with the reason logged and kept for
 * the listener. A peer that sends garbage cannot be trusted to resynchronise.
 */
final class ErrorHandler extends ChannelInboundHandlerAdapter {

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            Connections.close(ctx.channel(), "I/O error: " + cause.getMessage(), Level.INFO);
        } else if (cause instanceof DecoderException d) {
            // Our own decoding errors say what was wrong; anything else Netty wrapped is named by its cause.
            String why = d.getCause() == null || d instanceof WireException ? d.getMessage() : String.valueOf(d.getCause());
            Connections.close(ctx.channel(), "protocol error: " + why, Level.WARNING);
        } else {
            Connections.close(ctx.channel(), "unexpected error: " + cause, Level.WARNING);
        }
    }
}
