package exo.discovery;

/**
 * Told when the set of nodes changes. Calls come from one thread per {@link Discovery}, in the
 * order the changes happened; a listener should return quickly and may call
 * {@link Discovery#nodes()}.
 */
public interface DiscoveryListener {

    DiscoveryListener NONE = new DiscoveryListener() { };

    default void found(DiscoveredNode node) {
    }

    /** Anything but the last-seen time changed: capabilities, addresses, sources. */
    default void updated(DiscoveredNode node) {
    }

    /** Gone from every source: a goodbye, no refresh within the stale time, or unreachable. */
    default void lost(DiscoveredNode node) {
    }
}
