package exo.gguf;

import java.util.Objects;

/**
 * A metadata array. Elements are held in the tightest Java array for their type:
 * byte[] (U)INT8, short[] (U)INT16, int[] (U)INT32, long[] (U)INT64, float[], double[],
 * boolean[], String[], or GgufArray[] for nested arrays (which the spec allows).
 */
public record GgufArray(GgufValueType elementType, Object elements) {

    public GgufArray {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(elements, "elements");
        Class<?> expected = switch (elementType) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> GgufArray[].class;
        };
        if (!expected.isInstance(elements)) {
            throw new IllegalArgumentException(elementType + " array must be a " + expected.getSimpleName());
        }
    }

    public int length() {
        return java.lang.reflect.Array.getLength(elements);
    }

    public static GgufArray ofStrings(String... s) {
        return new GgufArray(GgufValueType.STRING, s);
    }

    public static GgufArray ofFloats(float... f) {
        return new GgufArray(GgufValueType.FLOAT32, f);
    }

    public static GgufArray ofInts(int... i) {
        return new GgufArray(GgufValueType.INT32, i);
    }
}
