package exo.engine.llamacpp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad model files give one clean exception, never a crash. */
class LlamaCppModelFailureTest {

    @TempDir
    Path dir;

    private static void assertOneLine(LlamaCppException e, String expected) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void missingFile() {
        var e = assertThrows(LlamaCppException.class, () -> LlamaCppModel.open(dir.resolve("none.gguf"), 1, 64));
        assertOneLine(e, "not found");
    }

    @Test
    void directory() {
        var e = assertThrows(LlamaCppException.class, () -> LlamaCppModel.open(dir, 1, 64));
        assertOneLine(e, "not a regular file");
    }

    @Test
    void garbage() throws IOException {
        byte[] bytes = new byte[100_000];
        new Random(1).nextBytes(bytes);
        Path file = Files.write(dir.resolve("garbage.gguf"), bytes);
        var e = assertThrows(LlamaCppException.class, () -> LlamaCppModel.open(file, 1, 64));
        assertOneLine(e, "not a GGUF file");
    }

    @Test
    void tooShort() throws IOException {
        Path file = Files.write(dir.resolve("short.gguf"), new byte[] {'G', 'G', 'U', 'F'});
        var e = assertThrows(LlamaCppException.class, () -> LlamaCppModel.open(file, 1, 64));
        assertOneLine(e, "not a GGUF file");
    }

    /** A valid header with nothing behind it gets past our check: llama.cpp itself must refuse it. */
    @Test
    void truncatedAfterHeaderIsRefusedByLlamaCpp() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .put(new byte[] {'G', 'G', 'U', 'F'}).putInt(3).putLong(1).putLong(5);
        Path file = Files.write(dir.resolve("truncated.gguf"), header.array());
        var e = assertThrows(LlamaCppException.class, () -> LlamaCppModel.open(file, 1, 64));
        assertOneLine(e, "llama.cpp could not load");
    }
}
