package exo.discovery;

import exo.discovery.manual.StaticDiscovery;
import exo.discovery.mdns.MdnsConfig;
import exo.discovery.mdns.MdnsDiscovery;
import java.util.List;

/**
 * Builds the discovery {@code --discovery} asks for. It lives at the package root beside the
 * interface because it is the one place that knows every mechanism; callers (the CLI) see only
 * {@link Discovery}.
 */
public final class Discoveries {
    private Discoveries() {
    }

    /**
     * @param mdns how mDNS runs; its fingerprint and clock serve static peers too
     * @param peers static peers (from {@code --peers} and peers files); may be empty
     */
    public static Discovery create(DiscoveryMode mode, MdnsConfig mdns, List<PeerAddress> peers) {
        return switch (mode) {
            case MDNS -> new MdnsDiscovery(mdns);
            case STATIC -> staticPeers(mdns, peers);
            case BOTH -> new CombinedDiscovery(List.of(new MdnsDiscovery(mdns), staticPeers(mdns, peers)));
        };
    }

    private static StaticDiscovery staticPeers(MdnsConfig mdns, List<PeerAddress> peers) {
        return new StaticDiscovery(peers, mdns.clusterFingerprint(), mdns.clock());
    }
}
