package exo.discovery.mdns;

import exo.discovery.ClusterFingerprint;
import java.util.Optional;

/** Which heard adverts are nodes of our cluster that we can talk to. */
final class AdvertFilter {
    private AdvertFilter() {
    }

    /** Why {@code advert} is not reported, or empty when it is. */
    static Optional<String> rejection(MdnsConfig config, ServiceAdvert advert) {
        String id = advert.node().id();
        if (config.self().map(self -> self.id().equals(id)).orElse(false)) {
            return Optional.of("our own advert");
        }
        if (!ClusterFingerprint.matches(config.clusterFingerprint(), advert.clusterFingerprint())) {
            return Optional.of("another cluster (key fingerprint " + advert.clusterFingerprint() + ", ours "
                    + config.clusterFingerprint() + ")");
        }
        if (advert.protocolVersion() != MdnsDiscovery.PROTOCOL_VERSION) {
            return Optional.of("protocol version " + advert.protocolVersion() + ", ours is "
                    + MdnsDiscovery.PROTOCOL_VERSION);
        }
        return Optional.empty();
    }
}
