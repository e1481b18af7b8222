package exo.peer.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.peer.LogCapture;
import exo.peer.NoLeaks;
import exo.peer.Payload;
import exo.peer.PeerMessage;
import exo.peer.PeerMessage.Forward;
import exo.peer.PeerMessage.Heartbeat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.LengthFieldPrepender;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeaks.class)
class PeerMessageCodecTest {
    private static final int MAX = 64 << 20;
    private LogCapture log;
    private final List<ByteBuf> fed = new ArrayList<>();

    @BeforeEach
    void capture() {
        log = new LogCapture("exo.peer", true);
    }

    @AfterEach
    void everyBufferFedWasReleased() {
        log.close();
        for (ByteBuf b : fed) {
            assertEquals(0, b.refCnt(), "a buffer fed to the decoder was not released");
        }
    }

    /** The frame bytes (length field included) the encoding side writes for {@code msg}. */
    static byte[] encode(PeerMessage msg) {
        EmbeddedChannel out = new EmbeddedChannel(new LengthFieldPrepender(4), new PeerMessageCodec(MAX));
        assertTrue(out.writeOutbound(msg));
        var bytes = new ByteArrayOutputStream();
        for (ByteBuf b; (b = out.readOutbound()) != null; ) {
            byte[] chunk = new byte[b.readableBytes()];
            b.readBytes(chunk);
            bytes.writeBytes(chunk);
            b.release();
        }
        assertFalse(out.finishAndReleaseAll());
        return bytes.toByteArray();
    }

    private static EmbeddedChannel decoder(int max) {
        return new EmbeddedChannel(new FrameDecoder(max), new PeerMessageCodec(max), new ErrorHandler());
    }

    /** A pooled (hence leak-tracked) buffer holding {@code bytes}; checked for release after the test. */
    private ByteBuf buf(byte[] bytes) {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(bytes.length).writeBytes(bytes);
        fed.add(b);
        return b;
    }

    private List<PeerMessage> decodeAll(EmbeddedChannel ch) {
        List<PeerMessage> got = new ArrayList<>();
        for (PeerMessage m; (m = ch.readInbound()) != null; ) {
            got.add(m);
        }
        return got;
    }

    @Test
    void everyMessageTypeSurvivesARoundTrip() {
        List<PeerMessage> samples = Samples.all();
        Set<Class<?>> covered = samples.stream().map(Object::getClass).collect(Collectors.toSet());
        assertEquals(Set.of(PeerMessage.class.getPermittedSubclasses()), covered, "a message type has no sample");
        for (PeerMessage msg : samples) {
            EmbeddedChannel in = decoder(MAX);
            in.writeInbound(buf(encode(msg)));
            assertEquals(List.of(msg), decodeAll(in), "round trip of " + msg);
            assertTrue(in.isOpen());
            assertFalse(in.finishAndReleaseAll());
        }
    }

    @Test
    void heartbeatBytesAreThoseDrawnInTheJavadoc() {
        assertEquals("00000011" + "30" + "0000000000000007" + "0000018bcfe56800",
                HexFormat.of().formatHex(encode(new Heartbeat(7, 1_700_000_000_000L))));
    }

    @Test
    void forwardOfTwoTokensIsTheBytesDrawnInTheJavadoc() {
        assertEquals("00000017" + "21" + "00027331" + "00000000" + "00" + "00000002" + "00000001" + "00003ac3" + "00",
                HexFormat.of().formatHex(encode(new Forward("s1", 0, new Payload.TokenIds(new int[] {1, 15043})))));
    }

    @Test
    void framesFedOneByteAtATimeDecodeInOrder() {
        List<PeerMessage> samples = Samples.all();
        var stream = new ByteArrayOutputStream();
        samples.forEach(m -> stream.writeBytes(encode(m)));
        EmbeddedChannel in = decoder(MAX);
        for (byte b : stream.toByteArray()) {
            in.writeInbound(buf(new byte[] {b}));
        }
        assertEquals(samples, decodeAll(in));
        assertTrue(in.isOpen());
        assertFalse(in.finishAndReleaseAll());
    }

    @Test
    void anOversizedFrameClosesTheConnectionBeforeItIsBuffered() {
        EmbeddedChannel in = decoder(1024);
        // announces 2 GiB - 1 but sends a few bytes: refused at the length field
        in.writeInbound(buf(HexFormat.of().parseHex("7fffffff30000000")));
        assertClosedWith(in, "protocol error", "frame of 2147483647 bytes exceeds the max frame of 1024 bytes");
    }

    @Test
    void aFrameAtTheLimitPassesAndOneByteMoreDoesNot() {
        // ShardFailed: type, i64 request, u16 length + 1013 reason bytes = 1024 bytes
        byte[] atLimit = new byte[4 + 1024];
        ByteBuffer.wrap(atLimit).putInt(1024).put((byte) 0x12).putLong(0).putShort((short) 1013);
        java.util.Arrays.fill(atLimit, 4 + 11, atLimit.length, (byte) 'x');
        EmbeddedChannel in = decoder(1024);
        in.writeInbound(buf(atLimit));
        assertEquals(List.of(new PeerMessage.ShardFailed(0, "x".repeat(1013))), decodeAll(in));
        assertTrue(in.isOpen());
        assertFalse(in.finishAndReleaseAll());

        EmbeddedChannel over = decoder(1024);
        over.writeInbound(buf(HexFormat.of().parseHex("00000401")));
        assertClosedWith(over, "frame of 1025 bytes exceeds the max frame of 1024 bytes");
    }

    @Test
    void encodingAFrameOverTheLimitFailsThatWriteOnly() {
        EmbeddedChannel out = new EmbeddedChannel(new LengthFieldPrepender(4), new PeerMessageCodec(1024));
        var hidden = new Forward("s", 0, Payload.HiddenState.of(
                new exo.engine.Activations.Hidden(new float[512], 2, 256), exo.peer.WireDtype.F32));
        ChannelFuture write = out.writeAndFlush(hidden);
        assertFalse(write.isSuccess());
        assertInstanceOf(EncoderException.class, write.cause());
        assertTrue(write.cause().getMessage().contains("exceeds the max frame of 1024 bytes"), write.cause().getMessage());
        assertTrue(out.isOpen());
        assertTrue(out.writeOutbound(new Heartbeat(1, 2)), "the connection still works after the refused write");
        out.finishAndReleaseAll();
    }

    @Test
    void anUnknownTypeClosesTheConnection() {
        EmbeddedChannel in = decoder(MAX);
        in.writeInbound(buf(HexFormat.of().parseHex("000000017f")));
        assertClosedWith(in, "unknown message type 0x7f");
    }

    @Test
    void anEmptyFrameClosesTheConnection() {
        EmbeddedChannel in = decoder(MAX);
        in.writeInbound(buf(HexFormat.of().parseHex("00000000")));
        assertClosedWith(in, "empty frame");
    }

    @Test
    void aWrongMagicClosesTheConnection() {
        byte[] hello = encode(Samples.all().get(0));
        hello[7] = 'P'; // length(4), type(1), "EXO" -> "EXP"
        EmbeddedChannel in = decoder(MAX);
        in.writeInbound(buf(hello));
        assertClosedWith(in, "wrong magic 0x455850", "not an exo peer");
    }

    @Test
    void aWrongVersionClosesTheConnection() {
        byte[] hello = encode(Samples.all().get(0));
        hello[8] = 1;
        EmbeddedChannel in = decoder(MAX);
        in.writeInbound(buf(hello));
        assertClosedWith(in, "peer speaks protocol version 1, this node speaks " + PeerMessage.PROTOCOL_VERSION);
    }

    @Test
    void fieldsCutShortInsideAFrameCloseTheConnection() {
        // a Heartbeat whose frame holds 1 + 12 bytes instead of 1 + 16
        EmbeddedChannel in = decoder(MAX);
        in.writeInbound(buf(HexFormat.of().parseHex("0000000d30" + "0000000000000007" + "00000001")));
        assertClosedWith(in, "Heartbeat frame cut short", "millis needs 8 bytes");
    }

    @Test
    void aCountLargerThanTheFrameIsRefusedWithoutAllocatingIt() {
        // Forward "s" at 0 with token ids claiming 1,000,000,000 entries in a 14-byte frame
        EmbeddedChannel in = decoder(MAX);
        in.writeInbound(buf(HexFormat.of().parseHex("0000000e21" + "000173" + "00000000" + "00" + "3b9aca00" + "00")));
        assertClosedWith(in, "Forward frame cut short", "1000000000 token ids need 4000000000 bytes");
    }

    @Test
    void bytesLeftAfterTheFieldsCloseTheConnection() {
        EmbeddedChannel in = decoder(MAX);
        in.writeInbound(buf(HexFormat.of().parseHex("0000000523000173ff")));
        assertClosedWith(in, "Release frame has 1 unexpected bytes");
    }

    @Test
    void valuesARecordRefusesCloseTheConnection() {
        // ShardProgress with -1 bytes done
        EmbeddedChannel in = decoder(MAX);
        in.writeInbound(buf(HexFormat.of().parseHex("0000001913" + "0000000000000001" + "ffffffffffffffff"
                + "0000000000000000")));
        assertClosedWith(in, "invalid ShardProgress", "bytes done -1 is negative");
    }

    @Test
    void aStreamEndingInsideAFrameIsTheRecordedReason() {
        byte[] frame = encode(Samples.all().get(0));
        EmbeddedChannel in = decoder(MAX);
        in.writeInbound(buf(java.util.Arrays.copyOf(frame, frame.length / 2)));
        assertNull(in.readInbound());
        in.close();
        String reason = in.attr(Connections.CLOSE_REASON).get();
        assertTrue(reason.startsWith("connection ended inside a frame"), reason);
        assertFalse(in.finishAndReleaseAll());
    }

    @Test
    void hiddenStateValuesTravelRawInTheirDtype() {
        float[] values = {1.5f, -2.0f};
        var fwd = new Forward("s", 4, Payload.HiddenState.of(new exo.engine.Activations.Hidden(values, 1, 2),
                exo.peer.WireDtype.BF16));
        // type, session "s", position 4, kind 1, dtype 2 (BF16), count 1, dim 2, 3fc0 c000, no trace
        assertArrayEquals(HexFormat.of().parseHex("00000017" + "21" + "000173" + "00000004" + "01" + "02" + "00000001"
                + "00000002" + "3fc0c000" + "00"), encode(fwd));
        // each node it passed adds its queue and compute nanos
        var traced = fwd.next(fwd.payload(), new exo.peer.HopTrace(1, 2));
        assertArrayEquals(HexFormat.of().parseHex("00000027" + "21" + "000173" + "00000004" + "01" + "02" + "00000001"
                + "00000002" + "3fc0c000" + "01" + "0000000000000001" + "0000000000000002"), encode(traced));
    }

    private void assertClosedWith(EmbeddedChannel ch, String... parts) {
        try {
            assertClosedWithReason(ch, parts);
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private void assertClosedWithReason(EmbeddedChannel ch, String... parts) {
        assertNull(ch.readInbound(), "nothing is decoded from a bad frame");
        assertFalse(ch.isOpen(), "the connection was not closed");
        String reason = ch.attr(Connections.CLOSE_REASON).get();
        for (String p : parts) {
            assertTrue(reason.contains(p), "reason '" + reason + "' lacks '" + p + "'");
        }
        String line = log.find("closing connection to", parts[0]);
        assertTrue(line.startsWith("WARNING"), line);
    }
}
