package exo.tokenizer;

import exo.gguf.GgufFormatException;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SentencePiece vocabularies ({@code tokenizer.ggml.model = llama}) tokenized as llama.cpp's
 * LLAMA_VOCAB_TYPE_SPM: a dummy-prefix space before text that starts the input or follows a
 * special token, spaces written as "▁", merges by score, byte fallback.
 */
final class SentencePieceTokenizer extends VocabularyTokenizer {
    private final SpmMerger merger;

    SentencePieceTokenizer(Vocabulary vocab) {
        super(vocab, SentencePieceTokenizer::piece);
        this.merger = new SpmMerger(vocab);
    }

    @Override
    void encodeFragments(List<Fragment> fragments, IntList out) {
        boolean prevSpecial = true; // the first text gets the dummy prefix
        for (Fragment f : fragments) {
            switch (f) {
                case Fragment.Text(String text) -> {
                    String s = vocab.addSpacePrefix && prevSpecial ? " " + text : text;
                    merger.tokenize(s.replace(" ", "\u2581"), out);
                    prevSpecial = false;
                }
                case Fragment.Token(int id) -> {
                    out.add(id);
                    prevSpecial = true;
                }
            }
        }
    }

    /** llama_token_to_piece with special = true, for a token that is not unknown, control or user-defined. */
    private static byte[] piece(Vocabulary vocab, int id) {
        String text = vocab.text(id);
        if (vocab.has(id, TokenAttributes.NORMAL)) {
            return text.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
        }
        if (vocab.has(id, TokenAttributes.BYTE)) {
            return new byte[] {(byte) byteValue(id, text)};
        }
        return new byte[0]; // unused and undefined tokens stand for nothing, as in llama.cpp
    }

    /** A byte token's value: the hex digits of "<0xXX>" (llama.cpp token_to_byte). */
    private static int byteValue(int id, String text) {
        try {
            return Integer.parseInt(text.substring(3, 5), 16);
        } catch (RuntimeException e) {
            throw new GgufFormatException("byte token " + id + " has text '" + text + "', not <0xXX>");
        }
    }

}
