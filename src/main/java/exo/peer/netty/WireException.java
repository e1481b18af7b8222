package exo.peer.netty;

import io.netty.handler.codec.CorruptedFrameException;

/** A frame that is not a valid exo message; the connection that sent it is closed. */
final class WireException extends CorruptedFrameException {
    WireException(String message) {
        super(message);
    }

    WireException(String message, Throwable cause) {
        super(message, cause);
    }
}
