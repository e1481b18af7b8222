package exo.download;

import java.io.IOException;
import java.util.Objects;

/** A download failed for a reason the user can act on; the message says what to do. */
public final class HubException extends IOException {

    public enum Reason {
        /** 401/403: a private or gated model needs a token. */
        UNAUTHORIZED,
        /** 404: no such repository, revision or file. */
        NOT_FOUND,
        /** HF_HUB_OFFLINE is set and the file is not cached. */
        OFFLINE_MISSING,
        /** Connection errors or 5xx that outlasted the retries. */
        NETWORK,
        /** Another HTTP answer that retrying will not fix, or a response that breaks the protocol. */
        HTTP,
        /** The bytes do not have the hash or size the hub announced. */
        INTEGRITY,
        /** The disk is full; what was downloaded is kept for the next run. */
        DISK_FULL
    }

    private final Reason reason;

    public HubException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public HubException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
