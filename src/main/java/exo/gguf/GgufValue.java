package exo.gguf;

import java.util.Objects;

/**
 * One metadata value with its GGUF type, kept so a file can be written back exactly (shards
 * copy their source's metadata). Scalars are boxed Java values of the stored width
 * (UINT32 is an {@link Integer} holding the raw bits); arrays are {@link GgufArray}.
 */
public record GgufValue(GgufValueType type, Object value) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        Class<?> expected = switch (type) {
            case UINT8, INT8 -> Byte.class;
            case UINT16, INT16 -> Short.class;
            case UINT32, INT32 -> Integer.class;
            case UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> GgufArray.class;
        };
        if (!expected.isInstance(value)) {
            throw new IllegalArgumentException(type + " value must be a " + expected.getSimpleName()
                    + ", not " + value.getClass().getSimpleName());
        }
    }

    public static GgufValue ofString(String s) {
        return new GgufValue(GgufValueType.STRING, s);
    }

    public static GgufValue ofUInt32(int v) {
        return new GgufValue(GgufValueType.UINT32, v);
    }

    public static GgufValue ofInt32(int v) {
        return new GgufValue(GgufValueType.INT32, v);
    }

    public static GgufValue ofFloat32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, v);
    }

    public static GgufValue ofBool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, v);
    }

    public static GgufValue ofUInt64(long v) {
        return new GgufValue(GgufValueType.UINT64, v);
    }

    public static GgufValue ofArray(GgufArray a) {
        return new GgufValue(GgufValueType.ARRAY, a);
    }

    /** The value as a long, honouring unsignedness; empty for non-integers. */
    public java.util.OptionalLong asLong() {
        return switch (type) {
            case UINT8 -> java.util.OptionalLong.of(Byte.toUnsignedLong((Byte) value));
            case INT8 -> java.util.OptionalLong.of((Byte) value);
            case UINT16 -> java.util.OptionalLong.of(Short.toUnsignedLong((Short) value));
            case INT16 -> java.util.OptionalLong.of((Short) value);
            case UINT32 -> java.util.OptionalLong.of(Integer.toUnsignedLong((Integer) value));
            case INT32 -> java.util.OptionalLong.of((Integer) value);
            case UINT64, INT64 -> java.util.OptionalLong.of((Long) value);
            case BOOL -> java.util.OptionalLong.of((Boolean) value ? 1 : 0);
            default -> java.util.OptionalLong.empty();
        };
    }
}
