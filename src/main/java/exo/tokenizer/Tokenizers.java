package exo.tokenizer;

import exo.gguf.GgufFile;
import exo.gguf.GgufMetadata;
import java.io.IOException;
import java.nio.file.Path;

/** Builds the tokenizer a GGUF file describes. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * The tokenizer for {@code tokenizer.ggml.model}: {@code llama} is SentencePiece, {@code gpt2}
     * byte-level BPE with the pre-tokenizer named by {@code tokenizer.ggml.pre}.
     *
     * @throws IllegalArgumentException when the model or pre-tokenizer is unknown or unsupported,
     *                                  or the vocabulary is incomplete
     */
    public static Tokenizer fromMetadata(GgufMetadata metadata) {
        Vocabulary vocab = VocabularyReader.read(metadata);
        return switch (vocab.kind) {
            case SPM -> new SentencePieceTokenizer(vocab);
            case BPE -> new BytePairTokenizer(vocab);
        };
    }

    /** Reads just the header of a GGUF file and builds its tokenizer. */
    public static Tokenizer fromGguf(Path path) throws IOException {
        return fromMetadata(GgufFile.readHeader(path).metadata());
    }
}
