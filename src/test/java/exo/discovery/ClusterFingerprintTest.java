package exo.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClusterFingerprintTest {

    @Test
    void isTheFirstEightBytesOfAHashOfTheStretchedKey() {
        // python3: s = hashlib.pbkdf2_hmac('sha256', b'secret', b'exo cluster key v2', 210000, 32)
        //          hashlib.sha256(b'exo cluster key fingerprint v2' + s).hexdigest()[:16]
        assertEquals("451141d26839b155", ClusterFingerprint.of("secret"));
        assertEquals(16, ClusterFingerprint.of("another key").length());
        assertNotEquals(ClusterFingerprint.of("a"), ClusterFingerprint.of("b"));
    }

    @Test
    void noKeyIsNone() {
        assertEquals(ClusterFingerprint.NONE, ClusterFingerprint.of(null));
        assertEquals(ClusterFingerprint.NONE, ClusterFingerprint.of(""));
    }

    @Test
    void matchesTreatsAMissingFingerprintAsNoKey() {
        assertTrue(ClusterFingerprint.matches("none", null));
        assertTrue(ClusterFingerprint.matches("none", ""));
        assertTrue(ClusterFingerprint.matches(ClusterFingerprint.of("k"), ClusterFingerprint.of("k").toUpperCase()));
        assertFalse(ClusterFingerprint.matches(ClusterFingerprint.of("k"), null));
        assertFalse(ClusterFingerprint.matches("none", ClusterFingerprint.of("k")));
    }
}
