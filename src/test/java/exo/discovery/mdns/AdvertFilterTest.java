package exo.discovery.mdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.discovery.ClusterFingerprint;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdvertFilterTest {

    private static NodeInfo node(String id) {
        return new NodeInfo(id, "10.0.0.1", 7000, DeviceCapabilities.hypothetical(id, 1L << 30));
    }

    private static ServiceAdvert advert(String id, String key, int version) {
        return new ServiceAdvert(node(id), version, ClusterFingerprint.of(key), 0);
    }

    @Test
    void sameClusterIsReported() {
        var config = MdnsConfig.advertising(node("me"), "k1");
        assertEquals(Optional.empty(), AdvertFilter.rejection(config, advert("other", "k1", 1)));
        var open = MdnsConfig.advertising(node("me"), null);
        assertEquals(Optional.empty(), AdvertFilter.rejection(open, advert("other", null, 1)));
    }

    @Test
    void anotherClusterIsIgnored() {
        var config = MdnsConfig.advertising(node("me"), "k1");
        assertTrue(AdvertFilter.rejection(config, advert("other", "k2", 1)).orElseThrow().startsWith("another cluster"));
        assertTrue(AdvertFilter.rejection(config, advert("other", null, 1)).isPresent(), "a node without a key");
        var open = MdnsConfig.listening(null);
        assertTrue(AdvertFilter.rejection(open, advert("other", "k1", 1)).isPresent(), "a node with a key");
    }

    @Test
    void ourOwnAdvertIsIgnored() {
        var config = MdnsConfig.advertising(node("me"), "k1");
        assertEquals(Optional.of("our own advert"), AdvertFilter.rejection(config, advert("me", "k1", 1)));
        // a listener (exo peers) has no own advert: a node with any id is reported
        assertEquals(Optional.empty(), AdvertFilter.rejection(MdnsConfig.listening("k1"), advert("me", "k1", 1)));
    }

    @Test
    void anotherProtocolVersionIsIgnored() {
        var config = MdnsConfig.advertising(node("me"), null);
        assertTrue(AdvertFilter.rejection(config, advert("other", null, MdnsDiscovery.PROTOCOL_VERSION + 1))
                .orElseThrow().startsWith("protocol version"));
    }
}
