package exo.peer.netty;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.lang.System.Logger.Level;

/**
 * What the handlers of one connection share through channel attributes: who the remote node
 * is (once its Hello is read, so every log line can name it) and why the connection was
 * closed (the first reason wins; the business handler reports it to the listener).
 */
final class Connections {
    private static final System.Logger LOG = System.getLogger(Connections.class.getName());
    static final AttributeKey<String> REMOTE_NODE = AttributeKey.valueOf(Connections.class, "remoteNode");
    static final AttributeKey<String> CLOSE_REASON = AttributeKey.valueOf(Connections.class, "closeReason");

    private Connections() {
    }

    /** "node b at /127.0.0.1:40123", or just the address before the Hello. */
    static String describe(Channel ch) {
        String node = ch.attr(REMOTE_NODE).get();
        String address = String.valueOf(ch.remoteAddress());
        return node == null ? "peer at " + address : "node " + node + " at " + address;
    }

    /** Records {@code reason} unless one is recorded already; true when this is the first. */
    static boolean recordReason(Channel ch, String reason) {
        return ch.attr(CLOSE_REASON).setIfAbsent(reason) == null;
    }

    /** Closes with a logged reason; only the first reason for a connection is logged. */
    static void close(Channel ch, String reason, Level level) {
        if (recordReason(ch, reason)) {
            LOG.log(level, "closing connection to {0}: {1}", describe(ch), reason);
        }
        ch.close();
    }

    static String reason(Channel ch) {
        String reason = ch.attr(CLOSE_REASON).get();
        return reason == null ? "connection closed by the peer" : reason;
    }
}
