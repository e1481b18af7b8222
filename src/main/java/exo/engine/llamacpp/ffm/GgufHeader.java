package exo.engine.llamacpp.ffm;

import exo.engine.llamacpp.LlamaCppException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a model file before native code sees it, so that the common mistakes (wrong path, a
 * directory, not a GGUF file, a GGUF version llama.cpp refuses) get a message naming the cause
 * instead of reaching a C++ parser. Not a validation of the whole file: llama.cpp still reports
 * (and survives) a truncated or inconsistent one.
 */
final class GgufHeader {

    /** "GGUF" read as a little-endian uint32 (GGUF spec: {@code GGUF_MAGIC}). */
    private static final int MAGIC = 0x46554747;
    /** Magic, version (uint32), tensor count and metadata count (uint64 each): GGUF v2 and v3. */
    private static final int HEADER_BYTES = 4 + 4 + 8 + 8;

    private GgufHeader() {
    }

    /**
     * @throws LlamaCppException with a one-line reason
     */
    static void check(Path file) {
        if (!Files.exists(file)) {
            throw new LlamaCppException("model file not found: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new LlamaCppException("model path is not a regular file: " + file);
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEADER_BYTES);
        } catch (IOException e) {
            throw new LlamaCppException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
        if (head.length < HEADER_BYTES) {
            throw new LlamaCppException("not a GGUF file (" + head.length + " bytes): " + file);
        }
        int magic = littleEndianInt(head, 0);
        if (magic != MAGIC) {
            throw new LlamaCppException("not a GGUF file (magic 0x%08x): %s".formatted(magic, file));
        }
        int version = littleEndianInt(head, 4);
        // llama.cpp reads v2 and v3; v1 (32-bit counts) it refuses too.
        if (version != 2 && version != 3) {
            throw new LlamaCppException("unsupported GGUF version " + version + ": " + file);
        }
    }

    private static int littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
