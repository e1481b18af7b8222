package exo.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClusterFingerprintTest {

    @Test
    void isTheFirstEightBytesOfTheDomainSeparatedHash() {
        // printf 'exo-cluster:secret' | sha256sum | cut -c1-16
        assertEquals("319d8511b6a60ebf", ClusterFingerprint.of("secret"));
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
