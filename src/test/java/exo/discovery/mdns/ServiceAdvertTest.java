package exo.discovery.mdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.discovery.ClusterFingerprint;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceAdvertTest {

    private static final NodeInfo NODE = new NodeInfo("a1b2-c3", "10.0.0.7", 52415,
            new DeviceCapabilities("studio", 17_179_869_184L, 8, 1.25e11));

    @Test
    void txtRecordRoundTrips() {
        var advert = new ServiceAdvert(NODE, 1, ClusterFingerprint.of("secret"), 12);
        Map<String, String> txt = advert.toTxt();
        assertEquals(List.of("id", "name", "v", "port", "mem", "cores", "flops", "ckf", "seq"),
                List.copyOf(txt.keySet()));
        assertEquals("a1b2-c3", txt.get("id"));
        assertEquals("17179869184", txt.get("mem"));
        assertEquals("52415", txt.get("port"));
        assertEquals(advert, ServiceAdvert.fromTxt(txt, "10.0.0.7"));
    }

    @Test
    void aNodeSaysWhichEngineComputesItsSlices() {
        var node = new NodeInfo("a1b2-c3", "10.0.0.7", 52415, new DeviceCapabilities("studio", 1L << 34, 8, 1e11, "ggml/CPU"));
        Map<String, String> txt = new ServiceAdvert(node, 1, ClusterFingerprint.NONE, 3).toTxt();
        assertEquals("ggml/CPU", txt.get("engine"));
        assertEquals("ggml/CPU", ServiceAdvert.fromTxt(txt, "10.0.0.7").node().device().engine());
    }

    @Test
    void theHostComesFromWhereTheAdvertWasHeard() {
        var txt = new ServiceAdvert(NODE, 1, ClusterFingerprint.NONE, 0).toTxt();
        assertEquals("192.168.1.9", ServiceAdvert.fromTxt(txt, "192.168.1.9").node().host());
    }

    @Test
    void missingFingerprintMeansNoKey() {
        Map<String, String> txt = new HashMap<>(new ServiceAdvert(NODE, 1, "abc", 0).toTxt());
        txt.remove("ckf");
        assertEquals(ClusterFingerprint.NONE, ServiceAdvert.fromTxt(txt, "h").clusterFingerprint());
    }

    @Test
    void optionalFieldsDefault() {
        var txt = Map.of("id", "n", "v", "1", "port", "1", "mem", "5");
        var advert = ServiceAdvert.fromTxt(txt, "h");
        assertEquals(new DeviceCapabilities("n", 5, 0, 0), advert.node().device());
        assertEquals(0, advert.seq());
    }

    @Test
    void errorsNameTheBadKey() {
        Map<String, String> txt = new HashMap<>(new ServiceAdvert(NODE, 1, "abc", 0).toTxt());
        txt.put("mem", "lots");
        assertEquals("TXT record has a malformed 'mem': 'lots'",
                assertThrows(IllegalArgumentException.class, () -> ServiceAdvert.fromTxt(txt, "h")).getMessage());
        txt.remove("id");
        assertEquals("TXT record has no 'id'",
                assertThrows(IllegalArgumentException.class, () -> ServiceAdvert.fromTxt(txt, "h")).getMessage());
        var badPort = new HashMap<>(new ServiceAdvert(NODE, 1, "abc", 0).toTxt());
        badPort.put("port", "99999");
        assertThrows(IllegalArgumentException.class, () -> ServiceAdvert.fromTxt(badPort, "h"));
        var badId = new HashMap<>(new ServiceAdvert(NODE, 1, "abc", 0).toTxt());
        badId.put("id", "no spaces please");
        assertThrows(IllegalArgumentException.class, () -> ServiceAdvert.fromTxt(badId, "h"));
    }

    @Test
    void longNamesAreCutToFitOneTxtString() {
        String name = "é".repeat(200);   // 400 bytes of UTF-8
        var node = new NodeInfo("n", "h", 1, new DeviceCapabilities(name, 1, 1, 1));
        String sent = new ServiceAdvert(node, 1, "none", 0).toTxt().get("name");
        int bytes = ("name=" + sent).getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes <= ServiceAdvert.MAX_ENTRY_BYTES, bytes + " bytes");
        assertTrue(name.startsWith(sent));
    }
}
