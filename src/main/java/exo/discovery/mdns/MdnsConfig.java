package exo.discovery.mdns;

import exo.discovery.ClusterFingerprint;
import exo.topology.NodeInfo;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How an {@link MdnsDiscovery} runs.
 *
 * @param self the node to advertise; empty to listen only (as {@code exo peers} does)
 * @param clusterFingerprint ours; adverts with another one are not reported
 * @param bindAddresses IPv4 addresses to run mDNS on, one JmDNS each; empty means every
 *     suitable interface ({@link Interfaces#suitableIPv4()})
 * @param refreshInterval how often we re-announce, and how often stale nodes are swept
 * @param staleAfter a node not heard from for this long is lost (crashed nodes send no goodbye,
 *     and JmDNS itself keeps records for their one-hour TTL)
 * @param clock the time stamped on sightings and used for staleness
 */
public record MdnsConfig(Optional<NodeInfo> self, String clusterFingerprint, List<InetAddress> bindAddresses,
        Duration refreshInterval, Duration staleAfter, Clock clock) {

    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(5);
    /** Three missed refreshes, as for peer heartbeats. */
    public static final Duration DEFAULT_STALE = DEFAULT_REFRESH.multipliedBy(3);

    public MdnsConfig {
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(clusterFingerprint, "clusterFingerprint");
        Objects.requireNonNull(clock, "clock");
        bindAddresses = List.copyOf(bindAddresses);
        for (InetAddress address : bindAddresses) {
            if (!(address instanceof Inet4Address)) {
                throw new IllegalArgumentException("mDNS binds IPv4 addresses only, not " + address.getHostAddress());
            }
        }
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("refresh interval must be positive, not " + refreshInterval);
        }
        if (staleAfter.compareTo(refreshInterval) <= 0) {
            throw new IllegalArgumentException("stale time " + staleAfter + " must exceed the refresh interval "
                    + refreshInterval);
        }
    }

    /** Advertise {@code self} on every suitable interface with default timings. */
    public static MdnsConfig advertising(NodeInfo self, String clusterKey) {
        return new MdnsConfig(Optional.of(self), ClusterFingerprint.of(clusterKey), List.of(),
                DEFAULT_REFRESH, DEFAULT_STALE, Clock.systemUTC());
    }

    /** Listen only, on every suitable interface, with default timings. */
    public static MdnsConfig listening(String clusterKey) {
        return new MdnsConfig(Optional.empty(), ClusterFingerprint.of(clusterKey), List.of(),
                DEFAULT_REFRESH, DEFAULT_STALE, Clock.systemUTC());
    }

    public MdnsConfig withBindAddresses(List<InetAddress> addresses) {
        return new MdnsConfig(self, clusterFingerprint, addresses, refreshInterval, staleAfter, clock);
    }
}
