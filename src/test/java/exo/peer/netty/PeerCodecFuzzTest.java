package exo.peer.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import exo.peer.PeerMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * Any frame a peer sends: a message, or a WireException (the connection is closed with that
 * reason); never another exception. A message read encodes to bytes that read back to a
 * message encoding to the same bytes, so what was decoded is what is used.
 */
class PeerCodecFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void framesDecodeOrAreRefused(byte[] data) {
        PeerMessage msg;
        ByteBuf frame = Unpooled.wrappedBuffer(data);
        try {
            msg = PeerMessageCodec.read(frame);
        } catch (WireException refused) {
            return;
        } finally {
            frame.release();
        }
        byte[] once = encode(msg);
        ByteBuf again = Unpooled.wrappedBuffer(once);
        try {
            assertArrayEquals(once, encode(PeerMessageCodec.read(again)));
        } finally {
            again.release();
        }
    }

    private static byte[] encode(PeerMessage msg) {
        ByteBuf buf = Unpooled.buffer();
        try {
            PeerMessageCodec.write(msg, new WireWriter(buf));
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
