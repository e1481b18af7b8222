package exo.peer.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.EncoderException;
import java.nio.charset.StandardCharsets;

/** The write side of {@link WireReader}: strings as u16 length + UTF-8, arrays with a u32 count. */
final class WireWriter {
    private final ByteBuf out;

    WireWriter(ByteBuf out) {
        this.out = out;
    }

    WireWriter u8(int value) {
        out.writeByte(value);
        return this;
    }

    WireWriter flag(boolean value) {
        return u8(value ? 1 : 0);
    }

    WireWriter u16(int value) {
        out.writeShort(value);
        return this;
    }

    WireWriter i32(int value) {
        out.writeInt(value);
        return this;
    }

    WireWriter i64(long value) {
        out.writeLong(value);
        return this;
    }

    WireWriter f64(double value) {
        out.writeDouble(value);
        return this;
    }

    WireWriter string(String s) {
        int length = ByteBufUtil.utf8Bytes(s);
        if (length > 0xFFFF) {
            throw new EncoderException("string of " + length + " UTF-8 bytes does not fit a u16 length");
        }
        out.writeShort(length);
        out.writeCharSequence(s, StandardCharsets.UTF_8);
        return this;
    }

    WireWriter bytes(byte[] b) {
        out.writeInt(b.length);
        out.writeBytes(b);
        return this;
    }

    /** Bytes with no count: the length is implied by fields already written. */
    WireWriter raw(java.nio.ByteBuffer bytes) {
        out.writeBytes(bytes);
        return this;
    }

    WireWriter i32s(int[] values) {
        out.writeInt(values.length);
        for (int v : values) {
            out.writeInt(v);
        }
        return this;
    }
}
