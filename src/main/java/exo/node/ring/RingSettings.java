package exo.node.ring;

import exo.peer.WireDtype;
import java.time.Duration;
import java.util.Objects;

/**
 * How a ring runs.
 *
 * @param context        KV cache positions per session (0: the model's own)
 * @param wireDtype      how hidden states travel between machines
 * @param loadTimeout    how long a node may take to load its slice (fetching it included)
 * @param forwardTimeout the longest one forward may take before the ring is declared stuck
 */
public record RingSettings(int context, WireDtype wireDtype, Duration loadTimeout, Duration forwardTimeout) {
    public static final Duration LOAD_TIMEOUT = Duration.ofMinutes(30);
    public static final Duration FORWARD_TIMEOUT = Duration.ofMinutes(10);

    public RingSettings {
        Objects.requireNonNull(wireDtype, "wireDtype");
        if (context < 0 || loadTimeout.isNegative() || forwardTimeout.isNegative()) {
            throw new IllegalArgumentException("the context and the timeouts must not be negative");
        }
    }

    /** The default timeouts. */
    public static RingSettings of(int context, WireDtype wireDtype) {
        return new RingSettings(context, wireDtype, LOAD_TIMEOUT, FORWARD_TIMEOUT);
    }
}
