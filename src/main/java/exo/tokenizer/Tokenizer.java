package exo.tokenizer;

/**
 * Text to token ids and back for one model's vocabulary, behaving as llama.cpp's
 * {@code llama_tokenize} / {@code llama_detokenize} / {@code llama_token_to_piece} do.
 * Implementations are immutable and safe to share between threads.
 */
public interface Tokenizer {
    /**
     * Tokenizes {@code text}.
     *
     * @param addSpecial   add BOS/EOS where the vocabulary asks for them (llama.cpp add_special)
     * @param parseSpecial turn the texts of control tokens such as {@code <|eot_id|>} into those
     *                     tokens (llama.cpp parse_special); user-defined tokens are always recognised
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /** Detokenizes, control tokens rendered as their text (llama.cpp common_detokenize default). */
    default String decode(int[] ids) {
        return decode(ids, true);
    }

    /**
     * Detokenizes as llama.cpp's {@code llama_detokenize(remove_special=false)}: the pieces
     * joined, the SentencePiece dummy-prefix space removed from the first one, spaces before
     * punctuation cleaned where the vocabulary asks for it, malformed UTF-8 shown as U+FFFD.
     *
     * @param renderSpecial show control and unknown tokens as their text (else they are dropped)
     */
    String decode(int[] ids, boolean renderSpecial);

    /** The bytes token {@code id} stands for (llama_token_to_piece with special = true). */
    byte[] tokenBytes(int id);

    /** The bytes token {@code id} stands for; control and unknown tokens empty unless {@code renderSpecial}. */
    byte[] tokenBytes(int id, boolean renderSpecial);

    /** The token's text as stored in the vocabulary (tokenizer.ggml.tokens), e.g. "▁Hello" or "Ġworld". */
    String piece(int id);

    /** Beginning-of-sequence token, or -1 when the vocabulary has none. */
    int bos();

    /** End-of-sequence token, or -1 when the vocabulary has none. */
    int eos();

    /** Whether encode(..., addSpecial = true, ...) adds BOS. */
    boolean addsBos();

    /** Whether encode(..., addSpecial = true, ...) adds EOS. */
    boolean addsEos();

    /** Whether generation stops at {@code id}: EOS, EOT, EOM and the like (llama_vocab_is_eog). */
    boolean isEndOfGeneration(int id);

    /** Whether {@code id} is a control token (llama_vocab_is_control). */
    boolean isControl(int id);

    /** The id of the token whose vocabulary text is exactly {@code text}, or -1. */
    int tokenId(String text);

    int vocabSize();

    /** A fresh decoder that turns ids streamed one by one into text without splitting characters. */
    default StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this, true);
    }
}
