package exo.engine.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * llama.cpp's own tokenizer and greedy generation, through llama.h, as the oracle tests compare
 * exo's tokenizers and engines with. Test-only: exo itself never tokenizes through llama.cpp.
 */
public final class LlamaCppOracle {
    private LlamaCppOracle() {
    }

    /**
     * llama.cpp's tokenizer ({@code llama_tokenize}).
     *
     * @param addSpecial   add BOS/EOS if the vocabulary is configured to do so
     * @param parseSpecial treat text such as {@code "<s>"} as the special token rather than plain text
     */
    public static int[] tokenize(LlamaCppNative model, String text, boolean addSpecial, boolean parseSpecial) {
        synchronized (model) {
            model.ensureOpen();
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            try (Arena call = Arena.ofConfined()) {
                MemorySegment textSegment = call.allocate(Math.max(1, utf8.length));
                MemorySegment.copy(utf8, 0, textSegment, JAVA_BYTE, 0, utf8.length);
                // At most one token per byte, plus BOS, EOS and a leading-space token.
                int capacity = utf8.length + 3;
                for (int attempt = 0; attempt < 2; attempt++) {
                    MemorySegment tokens = call.allocate(JAVA_INT, capacity);
                    int n = model.api().llama_tokenize(model.vocab(), textSegment, utf8.length, tokens, capacity,
                            addSpecial, parseSpecial);
                    if (n >= 0) {
                        return tokens.asSlice(0, (long) n * Integer.BYTES).toArray(JAVA_INT);
                    }
                    if (n == Integer.MIN_VALUE) {
                        break;
                    }
                    capacity = -n; // too small: -n is the count needed
                }
                throw new LlamaCppException("llama_tokenize failed on a text of " + utf8.length + " bytes");
            }
        }
    }

    /** The bytes of one token's piece ({@code llama_token_to_piece}); may be part of a UTF-8 character. */
    public static byte[] pieceBytes(LlamaCppNative model, int token, boolean renderSpecial) {
        synchronized (model) {
            model.ensureOpen();
            model.checkToken(token);
            try (Arena call = Arena.ofConfined()) {
                int capacity = 64;
                for (int attempt = 0; attempt < 2; attempt++) {
                    MemorySegment buf = call.allocate(capacity);
                    int n = model.api().llama_token_to_piece(model.vocab(), token, buf, capacity, 0, renderSpecial);
                    if (n >= 0) {
                        return buf.asSlice(0, n).toArray(JAVA_BYTE);
                    }
                    capacity = -n;
                }
                throw new LlamaCppException("llama_token_to_piece failed for token " + token);
            }
        }
    }

    /** One token's piece as text, special tokens rendered ({@code "</s>"}); SentencePiece's leading space kept. */
    public static String piece(LlamaCppNative model, int token) {
        return new String(pieceBytes(model, token, true), StandardCharsets.UTF_8);
    }

    /**
     * The concatenated pieces decoded as UTF-8 once, so that characters split over byte tokens come
     * out whole. Special tokens are rendered as text when {@code renderSpecial}.
     */
    public static String detokenize(LlamaCppNative model, int[] tokens, boolean renderSpecial) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int token : tokens) {
            bytes.writeBytes(pieceBytes(model, token, renderSpecial));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Greedy (arg-max) continuation of {@code prompt} from an empty cache. Stops after
     * {@code maxTokens} or after an end-of-generation token, which is then the last id returned.
     */
    public static int[] generateGreedy(LlamaCppNative model, int[] prompt, int maxTokens) {
        synchronized (model) {
            if (maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
            }
            // The last generated token is never evaluated.
            if ((long) prompt.length + maxTokens - 1 > model.contextSize()) {
                throw new IllegalArgumentException("prompt (" + prompt.length + ") + maxTokens (" + maxTokens
                        + ") - 1 exceeds the context of " + model.contextSize());
            }
            model.reset();
            float[] logits = model.append(prompt);
            int[] out = new int[maxTokens];
            int n = 0;
            while (true) {
                int token = Logits.argmax(logits);
                out[n++] = token;
                if (n == maxTokens || model.isEndOfGeneration(token)) {
                    return Arrays.copyOf(out, n);
                }
                logits = model.next(token);
            }
        }
    }
}
