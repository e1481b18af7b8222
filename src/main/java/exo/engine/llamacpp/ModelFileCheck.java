package exo.engine.llamacpp;

import exo.gguf.GgufFile;
import exo.gguf.GgufFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a model file with exo's own GGUF reader before native code sees it, so that a wrong
 * path, a directory, a file that is not GGUF, an unsupported version or tensors past the end of
 * the file get a message naming the cause instead of reaching llama.cpp's C++ parser.
 */
final class ModelFileCheck {
    private ModelFileCheck() {
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
        try (GgufFile ignored = GgufFile.open(file)) {
            // opening validates the header and that every tensor lies inside the file
        } catch (GgufFormatException e) {
            throw new LlamaCppException(e.getMessage());
        } catch (IOException e) {
            throw new LlamaCppException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
    }
}
