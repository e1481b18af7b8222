package exo.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {
    @TempDir
    Path tmp;

    @Test
    void readsStories260K() throws IOException {
        try (GgufFile f = GgufFile.open(TestModels.stories260K())) {
            GgufHeader h = f.header();
            assertEquals(3, h.version());
            assertEquals(48, h.tensors().size());
            assertEquals(19, h.metadata().asMap().size());
            assertEquals(14176, h.dataOffset());
            assertEquals(32, h.alignment());
            assertEquals("llama", h.metadata().getString("general.architecture").orElseThrow());
            assertEquals(5, h.metadata().getInt("llama.block_count").getAsInt());
            assertEquals(512, h.metadata().getStringArray("tokenizer.ggml.tokens").orElseThrow().length);
            GgufTensorInfo embd = f.tensorInfo("token_embd.weight");
            assertArrayEquals(new long[] {64, 512}, embd.dims());
            assertEquals(GgmlType.F32, embd.type());
            assertEquals(h.dataEnd(), Files.size(f.path()));
            assertEquals(64L * 512 * 4, f.tensorData("token_embd.weight").byteSize());
        }
    }

    @Test
    void roundTripsEveryValueTypeAndNestedArrays() throws IOException {
        GgufWriter w = new GgufWriter()
                .put("u8", new GgufValue(GgufValueType.UINT8, (byte) 200))
                .put("i8", new GgufValue(GgufValueType.INT8, (byte) -5))
                .put("u16", new GgufValue(GgufValueType.UINT16, (short) 60000))
                .put("i16", new GgufValue(GgufValueType.INT16, (short) -300))
                .put("u32", GgufValue.ofUInt32(-1))
                .put("i32", GgufValue.ofInt32(-7))
                .put("f32", GgufValue.ofFloat32(1.5f))
                .put("bool", GgufValue.ofBool(true))
                .put("str", GgufValue.ofString("héllo ✓"))
                .put("u64", GgufValue.ofUInt64(1L << 40))
                .put("i64", new GgufValue(GgufValueType.INT64, -9L))
                .put("f64", new GgufValue(GgufValueType.FLOAT64, 2.25))
                .putArray("strs", GgufArray.ofStrings("a", "", "ü"))
                .putArray("floats", GgufArray.ofFloats(1f, -2f))
                .putArray("bytes", new GgufArray(GgufValueType.UINT8, new byte[] {1, (byte) 255}))
                .putArray("nested", new GgufArray(GgufValueType.ARRAY,
                        new GgufArray[] {GgufArray.ofInts(1, 2), GgufArray.ofStrings("x")}))
                .putUInt32("general.alignment", 64)
                .addF32("a", new long[] {3}, new float[] {1, 2, 3})
                .addF32("b", new long[] {2, 2}, new float[] {4, 5, 6, 7});
        Path p = tmp.resolve("all.gguf");
        w.write(p);
        try (GgufFile f = GgufFile.open(p)) {
            GgufMetadata m = f.metadata();
            assertEquals(200, m.getLong("u8").getAsLong());
            assertEquals(-5, m.getLong("i8").getAsLong());
            assertEquals(60000, m.getLong("u16").getAsLong());
            assertEquals(-300, m.getLong("i16").getAsLong());
            assertEquals(0xFFFFFFFFL, m.getLong("u32").getAsLong());
            assertEquals(-7, m.getInt("i32").getAsInt());
            assertEquals(1.5f, m.getFloat("f32").orElseThrow());
            assertTrue(m.getBool("bool").orElseThrow());
            assertEquals("héllo ✓", m.getString("str").orElseThrow());
            assertEquals(1L << 40, m.getLong("u64").getAsLong());
            assertEquals(-9L, m.getLong("i64").getAsLong());
            assertEquals(2.25f, m.getFloat("f64").orElseThrow());
            assertArrayEquals(new String[] {"a", "", "ü"}, m.getStringArray("strs").orElseThrow());
            assertArrayEquals(new int[] {1, 255}, m.getIntArray("bytes").orElseThrow());
            GgufArray[] nested = (GgufArray[]) m.getArray("nested").orElseThrow().elements();
            assertArrayEquals(new int[] {1, 2}, (int[]) nested[0].elements());
            assertArrayEquals(new String[] {"x"}, (String[]) nested[1].elements());
            assertEquals(64, f.header().alignment());
            assertEquals(0, f.header().dataOffset() % 64);
            assertEquals(0, f.tensorInfo("b").offset() % 64);
            float[] b = f.tensorData("b").toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED
                    .withOrder(ByteOrder.LITTLE_ENDIAN));
            assertArrayEquals(new float[] {4, 5, 6, 7}, b);
        }
    }

    @Test
    void rewritingStories260KKeepsEveryByteOfEveryTensor() throws IOException {
        Path copy = tmp.resolve("copy.gguf");
        try (GgufFile f = GgufFile.open(TestModels.stories260K())) {
            GgufWriter w = new GgufWriter().putAll(f.metadata());
            for (GgufTensorInfo t : f.tensors()) {
                w.addTensor(t.name(), t.type(), t.dims(), f.tensorData(t));
            }
            w.write(copy);
            try (GgufFile g = GgufFile.open(copy)) {
                assertEquals(f.metadata().asMap().keySet(), g.metadata().asMap().keySet());
                for (GgufTensorInfo t : f.tensors()) {
                    assertEquals(-1L, f.tensorData(t).mismatch(g.tensorData(t.name())), t.name());
                }
            }
            // Same layout as llama.cpp's writer: the copy is byte-identical to the original.
            assertEquals(-1L, Files.mismatch(f.path(), copy));
        }
    }

    /** Version 2 has version 3's layout (v3 only added big-endian files); both are read. */
    @Test
    void readsVersionTwo() throws IOException {
        Path p = tmp.resolve("v2.gguf");
        new GgufWriter().putString("general.architecture", "llama").addF32("w", new long[] {2}, new float[] {1, 2})
                .write(p);
        byte[] b = Files.readAllBytes(p);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 2);
        Files.write(p, b);
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(2, f.header().version());
            assertEquals("llama", f.metadata().getString("general.architecture").orElseThrow());
            assertEquals(2f, f.tensorData("w").getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 1));
        }
    }

    @Test
    void rejectsWrongMagic() throws IOException {
        Path p = tmp.resolve("bad.gguf");
        Files.write(p, "GGML not really a model file at all........".getBytes());
        var e = assertThrows(GgufFormatException.class, () -> GgufFile.open(p));
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
    }

    @Test
    void rejectsTruncatedHeader() throws IOException {
        byte[] whole = Files.readAllBytes(TestModels.stories260K());
        Path p = tmp.resolve("cut.gguf");
        Files.write(p, Arrays.copyOf(whole, 5000));
        var e = assertThrows(GgufFormatException.class, () -> GgufFile.open(p));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void rejectsTensorDataPastEndOfFile() throws IOException {
        byte[] whole = Files.readAllBytes(TestModels.stories260K());
        Path p = tmp.resolve("short.gguf");
        Files.write(p, Arrays.copyOf(whole, whole.length - 100));
        var e = assertThrows(GgufFormatException.class, () -> GgufFile.open(p));
        assertTrue(e.getMessage().contains("past the end of the file"), e.getMessage());
    }

    @Test
    void rejectsUnknownTensorType() throws IOException {
        Path p = tmp.resolve("t.gguf");
        new GgufWriter().addF32("w", new long[] {4}, new float[4]).write(p);
        byte[] b = Files.readAllBytes(p);
        // The type id follows name, n_dims and one dim: find the F32 type id (0) after the dims.
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int typePos = 24 + 8 + 1 + 4 + 8;
        assertEquals(0, buf.getInt(typePos));
        buf.putInt(typePos, 99);
        Files.write(p, b);
        var e = assertThrows(GgufFormatException.class, () -> GgufFile.open(p));
        assertTrue(e.getMessage().contains("unknown type id 99"), e.getMessage());
    }

    @Test
    void headerParsesFromAGrowingPrefix() throws IOException {
        byte[] whole = Files.readAllBytes(TestModels.stories260K());
        long needed = 64;
        GgufHeader h = null;
        while (h == null) {
            try {
                h = GgufHeader.parse(ByteBuffer.wrap(whole, 0, (int) needed).slice(), whole.length);
            } catch (GgufTruncatedException e) {
                assertTrue(e.needed() > needed);
                needed = Math.max(e.needed(), needed * 2);
            }
        }
        assertEquals(14176, h.dataOffset());
        assertFalse(needed > whole.length);
        assertEquals(MemorySegment.ofArray(whole).byteSize(), h.dataEnd());
    }
}
