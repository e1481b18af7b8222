package exo.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SequencedMap;

/** The key/value section of a GGUF file, in file order, with typed accessors. */
public final class GgufMetadata {
    private final SequencedMap<String, GgufValue> values;

    public GgufMetadata(Map<String, GgufValue> values) {
        this.values = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(values));
    }

    public SequencedMap<String, GgufValue> asMap() {
        return values;
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Optional<String> getString(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != GgufValueType.STRING) {
            throw wrongType(key, v, "a string");
        }
        return Optional.of((String) v.value());
    }

    public OptionalLong getLong(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        OptionalLong l = v.asLong();
        if (l.isEmpty()) {
            throw wrongType(key, v, "an integer");
        }
        return l;
    }

    public OptionalInt getInt(String key) {
        OptionalLong l = getLong(key);
        if (l.isEmpty()) {
            return OptionalInt.empty();
        }
        long x = l.getAsLong();
        if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
            throw new GgufFormatException("metadata " + key + " = " + x + " is out of range");
        }
        return OptionalInt.of((int) x);
    }

    public int getInt(String key, int fallback) {
        return getInt(key).orElse(fallback);
    }

    public Optional<Float> getFloat(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        return switch (v.type()) {
            case FLOAT32 -> Optional.of((Float) v.value());
            case FLOAT64 -> Optional.of(((Double) v.value()).floatValue());
            default -> {
                OptionalLong l = v.asLong();
                if (l.isEmpty()) {
                    throw wrongType(key, v, "a number");
                }
                yield Optional.of((float) l.getAsLong());
            }
        };
    }

    public float getFloat(String key, float fallback) {
        return getFloat(key).orElse(fallback);
    }

    public Optional<Boolean> getBool(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != GgufValueType.BOOL) {
            throw wrongType(key, v, "a bool");
        }
        return Optional.of((Boolean) v.value());
    }

    public Optional<GgufArray> getArray(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != GgufValueType.ARRAY) {
            throw wrongType(key, v, "an array");
        }
        return Optional.of((GgufArray) v.value());
    }

    public Optional<String[]> getStringArray(String key) {
        return getArray(key).map(a -> {
            if (a.elementType() != GgufValueType.STRING) {
                throw new GgufFormatException("metadata " + key + " must be an array of strings");
            }
            return (String[]) a.elements();
        });
    }

    public Optional<float[]> getFloatArray(String key) {
        return getArray(key).map(a -> switch (a.elements()) {
            case float[] f -> f;
            default -> throw new GgufFormatException("metadata " + key + " must be an array of float32");
        });
    }

    /** Integer arrays of any width, widened to int (token types, per-layer head counts). */
    public Optional<int[]> getIntArray(String key) {
        return getArray(key).map(a -> switch (a.elements()) {
            case int[] i -> i;
            case byte[] b -> {
                int[] out = new int[b.length];
                for (int k = 0; k < b.length; k++) {
                    out[k] = a.elementType() == GgufValueType.UINT8 ? Byte.toUnsignedInt(b[k]) : b[k];
                }
                yield out;
            }
            case short[] s -> {
                int[] out = new int[s.length];
                for (int k = 0; k < s.length; k++) {
                    out[k] = a.elementType() == GgufValueType.UINT16 ? Short.toUnsignedInt(s[k]) : s[k];
                }
                yield out;
            }
            case long[] l -> {
                int[] out = new int[l.length];
                for (int k = 0; k < l.length; k++) {
                    out[k] = Math.toIntExact(l[k]);
                }
                yield out;
            }
            default -> throw new GgufFormatException("metadata " + key + " must be an array of integers");
        });
    }

    private static GgufFormatException wrongType(String key, GgufValue v, String expected) {
        return new GgufFormatException("metadata " + key + " must be " + expected + ", found " + v.type());
    }
}
