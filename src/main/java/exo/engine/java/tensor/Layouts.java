package exo.engine.java.tensor;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** GGUF is little-endian and packs blocks at any even offset, so every access is unaligned LE. */
final class Layouts {
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ORDER);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ORDER);
    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private Layouts() {
    }
}
