package exo.serve;

import exo.bench.ModelFacts;
import exo.synthetic.QuantMix;
import exo.gguf.GgufFile;
import exo.gguf.GgufMetadata;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What the APIs say about the served model: its family (architecture), parameters, file size and
 * quantization as read from this machine's GGUF (a ring's tail may hold only its own slice).
 */
public record ModelCard(String family, long parameters, long sizeBytes, String quantization) {

    public static ModelCard of(Path file) throws IOException {
        GgufMetadata m = GgufFile.readHeader(file).metadata();
        ModelFacts facts = ModelFacts.of(file);
        java.util.OptionalInt type = m.getInt("general.file_type");
        String quant = type.isPresent() ? QuantMix.nameOfFileType(type.getAsInt()).orElse("unknown") : "unknown";
        return new ModelCard(m.getString("general.architecture").orElse("unknown"), facts.parameters(),
                facts.sizeBytes(), quant);
    }

    /** "1.2B", "292.8K", as Ollama writes parameter_size. */
    String parameterSize() {
        return parameters >= 1_000_000_000L ? String.format(java.util.Locale.ROOT, "%.1fB", parameters / 1e9)
                : parameters >= 1_000_000 ? String.format(java.util.Locale.ROOT, "%.1fM", parameters / 1e6)
                : String.format(java.util.Locale.ROOT, "%.1fK", parameters / 1e3);
    }
}
