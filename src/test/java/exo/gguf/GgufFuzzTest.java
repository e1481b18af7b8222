package exo.gguf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import exo.engine.model.ModelConfig;
import exo.tokenizer.Tokenizers;
import java.nio.ByteBuffer;

/**
 * Any bytes as the start of a model file: a header, or a clean refusal (the exceptions exo
 * turns into one line and exit 2), never anything else: no overflow, no OutOfMemoryError from
 * a count, no index out of bounds. The header then goes through what {@code exo run} does with
 * it: the model's dimensions and its vocabulary.
 */
class GgufFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void headersParseOrAreRefused(byte[] data) {
        GgufHeader header;
        try {
            // A file a little longer than the bytes: "truncated" and "damaged" both happen.
            header = GgufHeader.parse(ByteBuffer.wrap(data), data.length + 64L);
        } catch (GgufFormatException | GgufTruncatedException refused) {
            return;
        }
        try {
            ModelConfig.from(header.metadata());
        } catch (exo.InvalidInputException refused) {
            // dimensions out of range: one line
        }
        try {
            Tokenizers.fromMetadata(header.metadata());
        } catch (exo.InvalidInputException refused) {
            // no vocabulary, or a damaged one: one line
        }
    }
}
