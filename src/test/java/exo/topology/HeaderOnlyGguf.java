package exo.topology;

import exo.gguf.GgufHeader;
import exo.gguf.GgufTensorInfo;
import exo.gguf.GgufWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF header without its tensor data, as a range read of a real file's first bytes gives it:
 * GgufWriter lays the tensors out ({@link GgufWriter#tensorInfos()}, which produces no bytes), and
 * this encodes the header before them (GGUF v3: magic, counts, key/values, tensor index). It is
 * then parsed as the header of a file as long as the data would make it, so a plan can be
 * checked against the tensor table of a 400 GB model without writing one. Test-only: the writer
 * exo ships always writes the data.
 */
final class HeaderOnlyGguf {
    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final GgufWriter layout = new GgufWriter();

    HeaderOnlyGguf put(String key, Object value) {
        if (!(value instanceof String || value instanceof Integer || value instanceof Float
                || value instanceof Boolean)) {
            throw new IllegalArgumentException("only strings, u32, f32 and bools: " + key);
        }
        metadata.put(key, value);
        return this;
    }

    /** A tensor whose data is never produced. */
    HeaderOnlyGguf tensor(String name, exo.gguf.GgmlType type, long... dims) {
        layout.addTensor(name, type, dims, () -> {
            throw new IllegalStateException("a header-only file has no tensor data");
        });
        return this;
    }

    /** The tensors with their offsets in the data section, as GgufWriter lays them out. */
    List<GgufTensorInfo> tensors() {
        return layout.tensorInfos();
    }

    /** The header parsed as a GGUF file of the full size would have it. */
    GgufHeader header() {
        ByteBuffer bytes = encode();
        List<GgufTensorInfo> laidOut = tensors();
        long dataEnd = laidOut.isEmpty() ? 0 : laidOut.getLast().offset() + laidOut.getLast().byteSize();
        long fileSize = GgufHeader.alignUp(bytes.remaining(), GgufHeader.DEFAULT_ALIGNMENT) + dataEnd;
        return GgufHeader.parse(bytes, fileSize);
    }

    private ByteBuffer encode() {
        List<GgufTensorInfo> laidOut = tensors();
        ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(GgufHeader.MAGIC).putInt(3).putLong(laidOut.size()).putLong(metadata.size());
        metadata.forEach((k, v) -> {
            string(b, k);
            switch (v) {
                case String s -> {
                    b.putInt(8);
                    string(b, s);
                }
                case Integer i -> b.putInt(4).putInt(i);
                case Float f -> b.putInt(6).putFloat(f);
                case Boolean x -> b.putInt(7).put((byte) (x ? 1 : 0));
                default -> throw new IllegalStateException("unreachable");
            }
        });
        for (GgufTensorInfo t : laidOut) {
            string(b, t.name());
            b.putInt(t.rank());
            for (long d : t.dims()) {
                b.putLong(d);
            }
            b.putInt(t.type().id()).putLong(t.offset());
        }
        return b.flip();
    }

    private static void string(ByteBuffer b, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        b.putLong(utf8.length).put(utf8);
    }
}
