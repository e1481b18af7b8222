package exo.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte-level BPE vocabularies ({@code tokenizer.ggml.model = gpt2}) tokenized as llama.cpp's
 * LLAMA_VOCAB_TYPE_BPE: the pre-tokenizer named by tokenizer.ggml.pre cuts the text into words,
 * each word's UTF-8 bytes are written in GPT-2's byte-to-character form and merged by rank.
 */
final class BytePairTokenizer extends VocabularyTokenizer {
    private final List<Splitter> splitters;
    private final BpeMerger merger;

    BytePairTokenizer(Vocabulary vocab) {
        super(vocab, BytePairTokenizer::piece);
        List<Splitter> s = new ArrayList<>();
        for (String expression : vocab.bpe.type().expressions()) {
            s.add(RegexSplitter.of(expression));
        }
        this.splitters = List.copyOf(s);
        this.merger = new BpeMerger(vocab);
    }

    @Override
    void encodeFragments(List<Fragment> fragments, IntList out) {
        for (Fragment f : fragments) {
            switch (f) {
                case Fragment.Text(String text) -> {
                    int[] cps = Utf8.codePoints(text);
                    IntList pieces = IntList.of(cps.length);
                    for (Splitter splitter : splitters) {
                        pieces = splitter.split(cps, pieces);
                    }
                    for (int p = 0, start = 0; p < pieces.size(); start += pieces.get(p), p++) {
                        merger.tokenize(ByteUnicode.encode(cps, start, start + pieces.get(p)), out);
                    }
                }
                case Fragment.Token(int id) -> out.add(id);
            }
        }
    }

    /** llama_token_to_piece with special = true, for a token that is not unknown, control or user-defined. */
    private static byte[] piece(Vocabulary vocab, int id) {
        if (vocab.has(id, TokenAttributes.NORMAL)) {
            return decodeText(vocab.text(id));
        }
        return new byte[0]; // other types stand for nothing, as in llama.cpp
    }

    /** llama_decode_text: each character back to its byte; a stray character is shown, as llama.cpp does. */
    private static byte[] decodeText(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        text.codePoints().forEach(cp -> {
            int b = ByteUnicode.toByte(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                StringBuilder s = new StringBuilder("[UNK_BYTE_0x");
                for (byte u : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    s.append(String.format("%02x", u & 0xFF));
                }
                s.append(text).append(']');
                out.writeBytes(s.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }
}
