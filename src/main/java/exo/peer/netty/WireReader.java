package exo.peer.netty;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one frame, checking before every read that the frame still holds it,
 * so a frame cut short fails with what was missing instead of an index error, and a huge
 * count cannot make us allocate more than the frame itself carries.
 */
final class WireReader {
    private final ByteBuf frame;
    private final String message;

    WireReader(ByteBuf frame, String message) {
        this.frame = frame;
        this.message = message;
    }

    private void need(int bytes, String field) {
        if (frame.readableBytes() < bytes) {
            throw new WireException(message + " frame cut short: " + field + " needs " + bytes + " bytes at offset "
                    + frame.readerIndex() + ", " + frame.readableBytes() + " left");
        }
    }

    int u8(String field) {
        need(1, field);
        return frame.readUnsignedByte();
    }

    boolean flag(String field) {
        int b = u8(field);
        if (b > 1) {
            throw new WireException(message + ": " + field + " is " + b + ", not 0 or 1");
        }
        return b == 1;
    }

    int u16(String field) {
        need(2, field);
        return frame.readUnsignedShort();
    }

    int i32(String field) {
        need(4, field);
        return frame.readInt();
    }

    long i64(String field) {
        need(8, field);
        return frame.readLong();
    }

    double f64(String field) {
        need(8, field);
        return frame.readDouble();
    }

    /** A u32 count of elements of {@code elementBytes} each, checked against what the frame holds. */
    int count(String field, int elementBytes) {
        need(4, field + " count");
        long n = frame.readUnsignedInt();
        if (n * elementBytes > frame.readableBytes()) {
            throw new WireException(message + " frame cut short: " + n + " " + field + " need " + n * elementBytes
                    + " bytes, " + frame.readableBytes() + " left");
        }
        return (int) n;
    }

    String string(String field) {
        int length = u16(field + " length");
        need(length, field);
        String s = frame.toString(frame.readerIndex(), length, StandardCharsets.UTF_8);
        frame.skipBytes(length);
        return s;
    }

    byte[] bytes(String field) {
        int n = count(field, 1);
        return raw(n, field);
    }

    byte[] raw(int n, String field) {
        if (n < 0) {
            throw new WireException(field + ": a negative length " + n);
        }
        need(n, field);
        byte[] b = new byte[n];
        frame.readBytes(b);
        return b;
    }

    int[] i32s(String field) {
        int n = count(field, 4);
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = frame.readInt();
        }
        return values;
    }

    /** Every field is read: bytes left over mean the two ends disagree on the layout. */
    void end() {
        if (frame.isReadable()) {
            throw new WireException(message + " frame has " + frame.readableBytes() + " unexpected bytes after its fields");
        }
    }
}
