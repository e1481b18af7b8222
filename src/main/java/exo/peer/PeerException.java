package exo.peer;

import java.io.IOException;

/** A connection failed, was refused at the handshake, or is closed. */
public class PeerException extends IOException {
    public PeerException(String message) {
        super(message);
    }

    public PeerException(String message, Throwable cause) {
        super(message, cause);
    }
}
