package exo.discovery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short public tag of the cluster key, advertised so that separate clusters on one LAN ignore
 * each other before any connection is made. It is the first 8 bytes of
 * SHA-256("exo-cluster:" + key) in hex: enough to tell clusters apart, not a proof of the key
 * (the peer handshake's challenge-response is). The domain prefix keeps it unrelated to any
 * other hash of the same key.
 */
public final class ClusterFingerprint {

    /** Advertised by nodes without a cluster key. */
    public static final String NONE = "none";

    private ClusterFingerprint() {
    }

    /** The fingerprint of {@code key}, or {@link #NONE} for a null or empty key. */
    public static String of(String key) {
        if (key == null || key.isEmpty()) {
            return NONE;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("exo-cluster:" + key).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Whether an advertised fingerprint (null when the TXT record had none) is our cluster's. */
    public static boolean matches(String ours, String advertised) {
        String theirs = advertised == null || advertised.isEmpty() ? NONE : advertised;
        return ours.equalsIgnoreCase(theirs);
    }
}
