package exo.gguf;

/** Metadata value types, numbered as in the GGUF specification (gguf_metadata_value_type). */
public enum GgufValueType {
    UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64;

    public int id() {
        return ordinal();
    }

    public static GgufValueType fromId(int id) {
        GgufValueType[] all = values();
        if (id < 0 || id >= all.length) {
            throw new GgufFormatException("unknown metadata value type " + id);
        }
        return all[id];
    }
}
