package exo.peer.netty;

import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import exo.peer.ClusterKey;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.Optional;

/**
 * Bytes from a stranger into a node's pipeline, in pieces of any size, before any handshake:
 * the framing, the codec and the handshake either wait for more, or close the connection with
 * a reason; no exception escapes the pipeline, and with a cluster key nothing a stranger sends
 * reaches the node (no stranger can make the HMAC proof).
 */
class HandshakeFuzzTest {
    private static final ClusterKey KEY = ClusterKey.of("fuzzing key");

    @FuzzTest(maxDuration = "30s")
    void strangersBytesNeverPassTheHandshake(FuzzedDataProvider data) {
        EmbeddedChannel ch = new EmbeddedChannel(
                new FrameDecoder(1 << 20),
                new PeerMessageCodec(1 << 20),
                new HandshakeHandler(Samples.node("server"), Optional.of(KEY), new byte[32], Duration.ofSeconds(5)),
                new ErrorHandler());
        try {
            while (data.remainingBytes() > 0 && ch.isOpen()) {
                int piece = data.consumeInt(1, 4096);
                ch.writeInbound(Unpooled.wrappedBuffer(data.consumeBytes(piece)));
                assertNull(ch.readInbound(), "a message passed the handshake");
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
