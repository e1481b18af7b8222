package exo.bench;

import exo.gguf.GgufHeader;
import exo.gguf.GgufTensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a report says of the model file: its name (the file's), size, parameter count and context, and the
 * bytes of weights one generated token reads (every tensor but the embedding table, of which one
 * row is read, unless the table doubles as the output head).
 */
public record ModelFacts(String name, long sizeBytes, long parameters, int context, long weightBytesPerToken) {

    public static ModelFacts of(Path file) throws IOException {
        GgufHeader h = exo.gguf.GgufFile.readHeader(file);
        String arch = h.metadata().getString("general.architecture").orElse("?");
        // The file's name says more than general.name, which is often just the architecture ("llama").
        String name = file.getFileName().toString().replaceFirst("(?i)\\.gguf$", "");
        long params = 0;
        long bytes = 0;
        boolean tied = h.tensor("output.weight") == null;
        for (GgufTensorInfo t : h.tensors()) {
            params += t.elements();
            if (!t.name().equals("token_embd.weight") || tied) {
                bytes += t.byteSize();
            }
        }
        int context = h.metadata().getInt(arch + ".context_length", 2048);
        return new ModelFacts(name, Files.size(file), params, context, bytes);
    }
}
