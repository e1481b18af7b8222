package exo.engine.llamacpp;

import exo.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gives one clean line, never a JVM crash. */
class LlamaCppNativeFailureTest {

    @TempDir
    Path dir;

    @Test
    void missingFile() {
        Path missing = dir.resolve("nope.gguf");
        var e = assertThrows(LlamaCppException.class, () -> LlamaCppNative.open(missing, 1, 64));
        assertEquals("model file not found: " + missing, e.getMessage());
    }

    @Test
    void directory() {
        var e = assertThrows(LlamaCppException.class, () -> LlamaCppNative.open(dir, 1, 64));
        assertEquals("model path is not a regular file: " + dir, e.getMessage());
    }

    @Test
    void garbage() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage.gguf"), "this is not a model, just some text");
        var e = assertThrows(LlamaCppException.class, () -> LlamaCppNative.open(garbage, 1, 64));
        assertEquals("garbage.gguf: not a GGUF file (bad magic)", e.getMessage());
    }

    @Test
    void tooShort() throws IOException {
        Path shortFile = Files.write(dir.resolve("short.gguf"), new byte[] {'G', 'G', 'U', 'F'});
        var e = assertThrows(LlamaCppException.class, () -> LlamaCppNative.open(shortFile, 1, 64));
        assertEquals("short.gguf: truncated GGUF header (file ends at byte 4)", e.getMessage());
    }

    @Test
    void unsupportedVersion() throws IOException {
        Path v1 = Files.write(dir.resolve("v1.gguf"), header(1, 0, 0));
        var e = assertThrows(LlamaCppException.class, () -> LlamaCppNative.open(v1, 1, 64));
        assertEquals("v1.gguf: GGUF version 1 is not supported (versions 2 and 3 are)", e.getMessage());
    }

    /** A valid header over a body that is cut short is refused before llama.cpp sees it. */
    @Test
    void truncatedGgufIsRefusedBeforeNativeCode() throws IOException {
        byte[] real = Files.readAllBytes(TestModels.stories260K());
        Path truncated = Files.write(dir.resolve("truncated.gguf"), java.util.Arrays.copyOf(real, 20_000));
        var e = assertThrows(LlamaCppException.class, () -> LlamaCppNative.open(truncated, 1, 64));
        assertTrue(e.getMessage().contains("tensor token_embd.weight data ends at byte"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void headerWithAbsurdCountsIsRefused() throws IOException {
        Path absurd = Files.write(dir.resolve("absurd.gguf"), header(3, Long.MAX_VALUE, Long.MAX_VALUE));
        var e = assertThrows(LlamaCppException.class, () -> LlamaCppNative.open(absurd, 1, 64));
        assertTrue(e.getMessage().startsWith("absurd.gguf: corrupt GGUF header"), e.getMessage());
    }

    @Test
    void closedModelSaysSo() {
        LlamaCppNative model = LlamaCppNative.open(TestModels.stories260K(), 1, 64);
        model.close();
        model.close(); // idempotent
        var e = assertThrows(IllegalStateException.class, () -> model.next(1));
        assertEquals("llama.cpp model is closed", e.getMessage());
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> LlamaCppNative.open(dir, 0, 64));
        assertThrows(IllegalArgumentException.class, () -> new ContextOptions(1, 64, null));
        assertThrows(IllegalArgumentException.class, () -> LlamaCppNative.open(dir, 1, 0));
    }

    private static byte[] header(int version, long tensors, long metadata) {
        return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .put(new byte[] {'G', 'G', 'U', 'F'}).putInt(version).putLong(tensors).putLong(metadata).array();
    }
}
