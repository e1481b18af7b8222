package exo.bench;

import exo.gguf.GgufHeader;
import exo.gguf.GgufMetadata;
import exo.gguf.GgufTensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a report says of the model file: its name (the file's), size, parameter count and context, and the
 * bytes of weights one generated token reads: every tensor but the embedding table (of which one
 * row is read, unless the table doubles as the output head), and of a mixture of experts' stacked
 * experts only the share a token routes to (used / count of each {@code _exps} tensor). A GLM
 * file's next-token-prediction block is never computed and counts for neither.
 */
public record ModelFacts(String name, long sizeBytes, long parameters, int context, long weightBytesPerToken) {

    public static ModelFacts of(Path file) throws IOException {
        GgufHeader h = exo.gguf.GgufFile.readHeader(file);
        GgufMetadata m = h.metadata();
        String arch = m.getString("general.architecture").orElse("?");
        // The file's name says more than general.name, which is often just the architecture ("llama").
        String name = file.getFileName().toString().replaceFirst("(?i)\\.gguf$", "");
        int experts = m.getInt(arch + ".expert_count", 0);
        int used = m.getInt(arch + ".expert_used_count", 0);
        int firstUnused = m.getInt(arch + ".block_count", Integer.MAX_VALUE) - m.getInt(arch + ".nextn_predict_layers", 0);
        long params = 0;
        long bytes = 0;
        boolean tied = h.tensor("output.weight") == null;
        for (GgufTensorInfo t : h.tensors()) {
            if (GgufTensorInfo.blockOf(t.name()) >= firstUnused) {
                continue;
            }
            params += t.elements();
            if (t.name().equals("token_embd.weight") && !tied) {
                continue;
            }
            boolean routed = experts > 0 && used > 0 && t.name().contains("_exps.");
            bytes += routed ? t.byteSize() / experts * used : t.byteSize();
        }
        int context = m.getInt(arch + ".context_length", 2048);
        return new ModelFacts(name, Files.size(file), params, context, bytes);
    }
}
