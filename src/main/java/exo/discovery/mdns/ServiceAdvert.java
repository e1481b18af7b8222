package exo.discovery.mdns;

import exo.discovery.ClusterFingerprint;
import exo.topology.DeviceCapabilities;
import exo.topology.NodeInfo;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a node puts in its {@code _exo._tcp.local.} TXT record, and reading it back.
 *
 * <pre>
 * id=3f2a9c01-node   name=studio   v=1   port=52415   mem=17179869184   cores=8
 * flops=1.25E11      ckf=9b1d3c5e7a0f2468 (or "none")  seq=12
 * </pre>
 *
 * The host is not in the record: a receiver takes it from the address records of the interface
 * it heard the advert on. {@code seq} counts re-announcements; it changes the record so that
 * receivers hear a fresh copy (see {@link MdnsDiscovery} on why).
 */
public record ServiceAdvert(NodeInfo node, int protocolVersion, String clusterFingerprint, long seq) {

    /** RFC 6763 section 6.1: each key=value string is at most 255 bytes. */
    static final int MAX_ENTRY_BYTES = 255;
    private static final int MAX_NAME_BYTES = MAX_ENTRY_BYTES - "name=".length();

    public ServiceAdvert {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(clusterFingerprint, "clusterFingerprint");
        if (protocolVersion < 1) {
            throw new IllegalArgumentException("protocol version " + protocolVersion + " must be >= 1");
        }
    }

    public Map<String, String> toTxt() {
        Map<String, String> txt = new LinkedHashMap<>();
        txt.put("id", node.id());
        txt.put("name", truncateUtf8(node.name(), MAX_NAME_BYTES));
        txt.put("v", Integer.toString(protocolVersion));
        txt.put("port", Integer.toString(node.port()));
        txt.put("mem", Long.toString(node.device().memoryBytes()));
        txt.put("cores", Integer.toString(node.device().cores()));
        txt.put("flops", Double.toString(node.device().flops()));
        if (!node.device().engine().isEmpty()) {
            txt.put("engine", node.device().engine());
        }
        txt.put("ckf", clusterFingerprint);
        txt.put("seq", Long.toString(seq));
        return txt;
    }

    /**
     * Reads a TXT record heard from {@code host}.
     *
     * @throws IllegalArgumentException naming the missing or malformed key
     */
    public static ServiceAdvert fromTxt(Map<String, String> txt, String host) {
        String id = required(txt, "id");
        String name = txt.getOrDefault("name", id);
        int version = parsed(txt, "v", Integer::parseInt);
        int port = parsed(txt, "port", Integer::parseInt);
        long mem = parsed(txt, "mem", Long::parseLong);
        int cores = txt.containsKey("cores") ? parsed(txt, "cores", Integer::parseInt) : 0;
        double flops = txt.containsKey("flops") ? parsed(txt, "flops", Double::parseDouble) : 0;
        String ckf = txt.get("ckf");
        long seq = txt.containsKey("seq") ? parsed(txt, "seq", Long::parseLong) : 0;
        var device = new DeviceCapabilities(name.isBlank() ? id : name, mem, cores, flops, txt.getOrDefault("engine", ""));
        return new ServiceAdvert(new NodeInfo(id, host, port, device), version,
                ckf == null || ckf.isEmpty() ? ClusterFingerprint.NONE : ckf, seq);
    }

    private static String required(Map<String, String> txt, String key) {
        String value = txt.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("TXT record has no '" + key + "'");
        }
        return value;
    }

    /** The required {@code key} read by {@code parse}, a malformed value refused with its key. */
    private static <T> T parsed(Map<String, String> txt, String key, Function<String, T> parse) {
        String value = required(txt, key);
        try {
            return parse.apply(value);
        } catch (NumberFormatException e) {
            throw malformed(key, value);
        }
    }

    private static IllegalArgumentException malformed(String key, String value) {
        return new IllegalArgumentException("TXT record has a malformed '" + key + "': '" + value + "'");
    }

    private static String truncateUtf8(String text, int maxBytes) {
        if (text.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > maxBytes) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += len;
            i += Character.charCount(cp);
        }
        return out.toString();
    }
}
