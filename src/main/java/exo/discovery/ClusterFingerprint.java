package exo.discovery;

import exo.peer.ClusterKey;


/**
 * A short public tag of the cluster key, advertised so that separate clusters on one LAN ignore
 * each other before any connection is made: {@link ClusterKey#fingerprintHex()}, 8 bytes of a
 * hash of the stretched key, enough to tell clusters apart, not a proof of the key (TLS and the
 * handshake's challenge-response are), and slow to test passphrase guesses against.
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
        return ClusterKey.of(key).fingerprintHex();
    }

    /** Whether an advertised fingerprint (null when the TXT record had none) is our cluster's. */
    public static boolean matches(String ours, String advertised) {
        String theirs = advertised == null || advertised.isEmpty() ? NONE : advertised;
        return ours.equalsIgnoreCase(theirs);
    }
}
