package exo.engine.llamacpp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a model file before it reaches native code. The bindings do throw for a missing or
 * garbage file ("could not load model from given file path"), but that one message covers
 * every cause; checking here names the cause, and keeps obviously wrong input away from a
 * C++ parser where a mistake costs the whole JVM.
 */
final class GgufFileCheck {

    /** "GGUF" read as a little-endian uint32, as the GGUF spec writes it. */
    private static final int MAGIC = 0x46554747;
    /** Magic, version, tensor count, metadata count: the fixed header of GGUF v2 and v3. */
    private static final int HEADER_BYTES = 4 + 4 + 8 + 8;

    private GgufFileCheck() {
    }

    static void check(Path file) {
        if (!Files.exists(file)) {
            throw new LlamaCppException("model file not found: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new LlamaCppException("model path is not a regular file: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new LlamaCppException("model file is not readable: " + file);
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEADER_BYTES);
        } catch (IOException e) {
            throw new LlamaCppException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
        if (head.length < HEADER_BYTES) {
            throw new LlamaCppException("not a GGUF file (only " + head.length + " bytes): " + file);
        }
        int magic = littleEndianInt(head, 0);
        if (magic != MAGIC) {
            throw new LlamaCppException("not a GGUF file (bad magic 0x%08x): %s".formatted(magic, file));
        }
        int version = littleEndianInt(head, 4);
        // llama.cpp reads v2 and v3; v1 used 32-bit counts and is refused by llama.cpp too.
        if (version < 2 || version > 3) {
            throw new LlamaCppException("unsupported GGUF version " + version + ": " + file);
        }
    }

    private static int littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
