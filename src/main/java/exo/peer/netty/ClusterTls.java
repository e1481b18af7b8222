package exo.peer.netty;

import exo.peer.ClusterKey;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.NamedParameterSpec;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS 1.3 between the nodes of a keyed cluster, both ends authenticated by the cluster key.
 *
 * <p>Every holder of the key derives the same Ed25519 key pair from it (the seed is
 * {@link ClusterKey#derive derived} from the stretched key) and the same self-signed
 * certificate; each end presents it and accepts only a peer presenting that very public key.
 * TLS 1.3's CertificateVerify signs the handshake transcript, which includes both ends' fresh
 * ephemeral keys, so the proof of the key is bound to this encrypted channel: a relay can
 * neither read the traffic nor pass a proof through, and a recorded handshake cannot be
 * replayed. The JDK's TLS is used (no native code), TLS 1.3 only (no downgrade to older
 * versions, which keyed nodes never speak), no 0-RTT.
 *
 * <p>Why certificates and not TLS-PSK or Noise: the JDK implements no external PSKs in TLS
 * 1.3, and Noise would mean writing and maintaining a protocol implementation; a key pair
 * derived from the key gives TLS's mutual authentication with nothing but the JDK and Netty.
 *
 * <p>What it does not protect against: anyone who holds the cluster key is a member (a rogue
 * member can read and send what members can). A stranger who connects learns the cluster's
 * public key and can test guesses of the passphrase against it offline, as with any
 * password-derived key; the key is stretched with PBKDF2 to make each guess slow, and
 * {@code --cluster-key generate} makes a 256-bit random key that no guessing reaches.
 */
final class ClusterTls {
    /** Ed25519's OID 1.3.101.112, as DER. */
    private static final byte[] ED25519 = {0x06, 0x03, 0x2b, 0x65, 0x70};
    /** CN=exo cluster */
    private static final byte[] NAME = der(0x30, der(0x31, der(0x30,
            concat(new byte[] {0x06, 0x03, 0x55, 0x04, 0x03}, der(0x0c, "exo cluster".getBytes(StandardCharsets.UTF_8))))));

    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final byte[] publicKey;
    private final SslContext server;
    private final SslContext client;

    private ClusterTls(PrivateKey privateKey, X509Certificate certificate) throws SSLException {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.publicKey = certificate.getPublicKey().getEncoded();
        this.server = server();
        this.client = client();
    }

    /**
     * The TLS handler of one connection: the client's where this end dialed. Its handshake must
     * finish within {@code timeout}, like the rest of the peer handshake.
     */
    SslHandler handler(ByteBufAllocator alloc, boolean dialedHere, java.time.Duration timeout) {
        SslHandler handler = (dialedHere ? client : server).newHandler(alloc);
        handler.setHandshakeTimeoutMillis(timeout.toMillis());
        return handler;
    }

    /** The key pair and certificate every holder of {@code key} derives alike. */
    static ClusterTls of(ClusterKey key) {
        try {
            byte[] seed = key.derive("exo tls ed25519 seed v1", 32);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new FixedSeed(seed));
            KeyPair pair = generator.generateKeyPair();
            return new ClusterTls(pair.getPrivate(), selfSigned(pair));
        } catch (SSLException e) {
            throw new IllegalStateException("the JDK's TLS 1.3 refused the cluster's Ed25519 key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every JDK since 15", e);
        }
    }

    /** The context of the end that accepted the connection: it asks for the peer's certificate too. */
    private SslContext server() throws SSLException {
        return SslContextBuilder.forServer(privateKey, certificate)
                .trustManager(new SameKeyOnly())
                .clientAuth(ClientAuth.REQUIRE)
                .protocols("TLSv1.3")
                .sslProvider(SslProvider.JDK)
                .build();
    }

    /** The context of the end that dialed. */
    private SslContext client() throws SSLException {
        return SslContextBuilder.forClient()
                .keyManager(privateKey, certificate)
                .trustManager(new SameKeyOnly())
                .protocols("TLSv1.3")
                .sslProvider(SslProvider.JDK)
                .build();
    }

    /** The public key every member presents, as X.509 SubjectPublicKeyInfo. */
    byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * A minimal X.509 v1 certificate: fixed serial, names and validity (so every member's is
     * byte for byte the same; Ed25519 signatures are deterministic), signed by its own key.
     */
    private static X509Certificate selfSigned(KeyPair pair) throws GeneralSecurityException {
        byte[] algorithm = der(0x30, ED25519);
        byte[] validity = der(0x30, concat(der(0x18, "20000101000000Z".getBytes(StandardCharsets.US_ASCII)),
                der(0x18, "99991231235959Z".getBytes(StandardCharsets.US_ASCII))));
        byte[] tbs = der(0x30, concat(der(0x02, new byte[] {1}), algorithm, NAME, validity, NAME,
                pair.getPublic().getEncoded()));
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(pair.getPrivate());
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bits = concat(new byte[] {0}, signature); // BIT STRING: no unused bits
        byte[] certificate = der(0x30, concat(tbs, algorithm, der(0x03, bits)));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate));
    }

    /** DER: tag, definite length, contents. */
    private static byte[] der(int tag, byte[] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = contents.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n & 0xff);
        }
        out.writeBytes(contents);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Accepts a peer only when its certificate carries the cluster's public key. */
    private final class SameKeyOnly extends X509ExtendedTrustManager {
        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0
                    || !MessageDigest.isEqual(chain[0].getPublicKey().getEncoded(), publicKey)) {
                throw new CertificateException("the peer does not hold this cluster's key");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[] {certificate};
        }
    }

    /** Hands the key generator the derived seed as its "random" private key bytes. */
    private static final class FixedSeed extends SecureRandom {
        private final byte[] seed;

        FixedSeed(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("Ed25519 asked for " + bytes.length + " random bytes, not 32");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}
