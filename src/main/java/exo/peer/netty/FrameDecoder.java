package exo.peer.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits the byte stream into frames at their 4-byte length and strips it. A length over the
 * limit is refused as soon as the length is read (before any of the frame is buffered), and
 * a stream that ends inside a frame is recorded as the reason the connection ended.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    /** A Hello or HelloProof fits well inside this: a stranger may send no more before proving who it is. */
    static final int BEFORE_HANDSHAKE = 16 << 10;

    private final int maxFrameBytes;
    private int limit;

    FrameDecoder(int maxFrameBytes) {
        // Netty's limit counts the length field too; ours counts what follows it.
        super(maxFrameBytes + 4, 0, 4, 0, 4, true);
        this.maxFrameBytes = maxFrameBytes;
        this.limit = Math.min(maxFrameBytes, BEFORE_HANDSHAKE);
    }

    /** The handshake is done: frames may be as large as the network allows. Called on the event loop. */
    void handshakeDone() {
        limit = maxFrameBytes;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (in.readableBytes() >= 4) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length > limit && limit < maxFrameBytes && isTlsRecord(in)) {
                in.skipBytes(in.readableBytes());
                throw new WireException("it speaks TLS: it has a cluster key and this node has none");
            }
            if (length > limit) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("frame of " + length + " bytes exceeds the max frame of "
                        + limit + " bytes" + (limit < maxFrameBytes ? " before the handshake" : ""));
            }
        }
        return super.decode(ctx, in);
    }

    /**
     * A TLS record header where a frame length should be: content type 20-23 (change cipher
     * spec, alert, handshake, data) and version major 3. A plaintext Hello's length never
     * starts so, being far below 16 MiB; so this only names what the frame limit refuses anyway.
     */
    private static boolean isTlsRecord(ByteBuf in) {
        int type = in.getUnsignedByte(in.readerIndex());
        return type >= 20 && type <= 23 && in.getUnsignedByte(in.readerIndex() + 1) == 3;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (in.isReadable()) {
            Connections.recordReason(ctx.channel(), "connection ended inside a frame, " + in.readableBytes()
                    + " bytes of it received");
        }
    }
}
