package exo.peer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shared secret of a cluster. It never crosses the wire. The passphrase is first stretched
 * with PBKDF2-HMAC-SHA256 ({@value #ITERATIONS} iterations), and everything shown or proven is
 * derived from the stretched secret, so each guess of a passphrase tested against something a
 * stranger saw (the fingerprint nodes advertise, the public key of the cluster's TLS) costs
 * that much work. Peers advertise a short fingerprint (so two clusters on one LAN tell each
 * other apart before connecting), authenticate each other in TLS by a key pair derived from the
 * secret, and inside it prove the key once more by an HMAC-SHA256 over the other side's fresh
 * nonce and both node ids (the nonce makes a recorded proof useless later; naming prover and
 * verifier in that order makes a proof useless when reflected back to its sender).
 */
public final class ClusterKey {
    public static final int FINGERPRINT_BYTES = 8;
    public static final int PROOF_BYTES = 32;
    /** PBKDF2 iterations: about 0.2 s once per process on this 2-core VM. */
    static final int ITERATIONS = 210_000;
    private static final byte[] SALT = "exo cluster key v2".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FINGERPRINT_LABEL = "exo cluster key fingerprint v2".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PROOF_LABEL = "exo hello proof v1".getBytes(StandardCharsets.UTF_8);
    /** Stretched secrets by passphrase: a process stretches each passphrase once. */
    private static final java.util.Map<String, ClusterKey> STRETCHED = new java.util.concurrent.ConcurrentHashMap<>();

    private final byte[] secret;
    private final byte[] fingerprint;

    private ClusterKey(byte[] secret) {
        this.secret = secret;
        this.fingerprint = fingerprintOf(secret);
    }

    /** A new random passphrase: 32 bytes from a strong random source, URL-safe base64 (43 characters). */
    public static String generate() {
        byte[] b = new byte[32];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The key of a passphrase (as given by --cluster-key or EXO_CLUSTER_KEY). */
    public static ClusterKey of(String passphrase) {
        Objects.requireNonNull(passphrase, "cluster key");
        if (passphrase.isEmpty()) {
            throw new IllegalArgumentException("a cluster key must not be empty");
        }
        return STRETCHED.computeIfAbsent(passphrase, p -> new ClusterKey(stretch(p)));
    }

    private static byte[] stretch(String passphrase) {
        try {
            javax.crypto.SecretKeyFactory pbkdf2 = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            return pbkdf2.generateSecret(new javax.crypto.spec.PBEKeySpec(passphrase.toCharArray(), SALT, ITERATIONS,
                    256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }

    /** {@code bytes} bytes (at most 32) derived from the secret for one purpose, named by {@code label}. */
    public byte[] derive(String label, int bytes) {
        if (bytes > 32) {
            throw new IllegalArgumentException("at most 32 bytes derive from one label");
        }
        return java.util.Arrays.copyOf(hmac(label.getBytes(StandardCharsets.UTF_8)), bytes);
    }

    private byte[] hmac(byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    public byte[] fingerprint() {
        return fingerprint.clone();
    }

    /** The fingerprint as 16 hex digits, for logs and discovery records. */
    public String fingerprintHex() {
        return HexFormat.of().formatHex(fingerprint);
    }

    /** The proof that {@code proverId} holds this key, answering {@code verifierId}'s nonce. */
    public byte[] proof(byte[] verifierNonce, String proverId, String verifierId) {
        return hmac(PROOF_LABEL, verifierNonce, lengthPrefixed(proverId), lengthPrefixed(verifierId));
    }

    /** Constant-time check of a peer's proof. */
    public boolean verify(byte[] proof, byte[] verifierNonce, String proverId, String verifierId) {
        return MessageDigest.isEqual(proof, proof(verifierNonce, proverId, verifierId));
    }

    @Override
    public String toString() {
        return "ClusterKey[fingerprint " + fingerprintHex() + "]";
    }

    private static byte[] fingerprintOf(byte[] secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(FINGERPRINT_LABEL);
            byte[] digest = sha.digest(secret);
            return java.util.Arrays.copyOf(digest, FINGERPRINT_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    // Length-prefixed so that ids "ab"+"c" and "a"+"bc" give different proofs.
    private static byte[] lengthPrefixed(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + utf8.length).putInt(utf8.length).put(utf8).array();
    }
}
