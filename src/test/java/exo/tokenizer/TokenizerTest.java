package exo.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviour beyond the vectors: special tokens, BOS/EOS, end of generation, streaming. */
class TokenizerTest {

    private static Tokenizer vocab(String name) throws IOException {
        return Tokenizers.fromGguf(TestModels.require("llama.cpp-vocab/ggml-vocab-" + name + ".gguf"));
    }

    @Test
    void stories260KAddsBosByDefault() throws IOException {
        Tokenizer t = Tokenizers.fromGguf(TestModels.stories260K());
        assertEquals(512, t.vocabSize());
        assertEquals(1, t.bos());
        assertEquals(2, t.eos());
        assertTrue(t.addsBos(), "SentencePiece adds BOS when tokenizer.ggml.add_bos_token is absent");
        assertFalse(t.addsEos());
        int[] ids = t.encode("Once upon a time", true, false);
        assertEquals(1, ids[0]);
        int[] plain = t.encode("Once upon a time", false, false);
        assertArrayEquals(plain, Arrays.copyOfRange(ids, 1, ids.length));
        assertEquals("Once upon a time", t.decode(plain));
        assertEquals("<s> Once upon a time", t.decode(ids), "BOS rendered, then the piece's own space");
        assertEquals(" Once upon a time", t.decode(ids, false), "as llama_detokenize: the prefix space is only dropped from the first token");
        assertTrue(t.isEndOfGeneration(2));
        assertFalse(t.isEndOfGeneration(1));
        assertEquals("<s>", t.piece(1));
    }

    @Test
    void emptyTextIsJustBos() throws IOException {
        Tokenizer t = Tokenizers.fromGguf(TestModels.stories260K());
        assertArrayEquals(new int[] {1}, t.encode("", true, false));
        assertArrayEquals(new int[0], t.encode("", false, false));
    }

    @Test
    void streamingNeverSplitsACharacter() throws IOException {
        Tokenizer t = Tokenizers.fromGguf(TestModels.stories260K());
        String text = "Lily saw a 🦙 and é.";
        int[] ids = t.encode(text, false, false);
        int llamaBytes = 0;
        for (int id : ids) {
            llamaBytes += t.piece(id).matches("<0x[0-9A-F]{2}>") ? 1 : 0;
        }
        assertTrue(llamaBytes >= 4, "the llama emoji falls back to its 4 UTF-8 bytes: " + Arrays.toString(ids));

        StreamingDecoder decoder = t.streamingDecoder();
        List<String> pieces = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (int id : ids) {
            String s = decoder.push(id);
            pieces.add(s);
            all.append(s);
            assertFalse(s.contains("\uFFFD"), "a streamed piece holds a broken character: " + pieces);
        }
        assertFalse(decoder.hasPending());
        assertEquals("", decoder.flush());
        assertEquals(" " + text, all.toString(), "streaming keeps the dummy-prefix space, as llama.cpp's token_to_piece");
        assertTrue(pieces.contains(""), "the bytes before the emoji's last one produce no text");
        assertTrue(pieces.stream().anyMatch(p -> p.contains("🦙")));
    }

    @Test
    void streamingFlushShowsAnUnfinishedCharacter() throws IOException {
        Tokenizer t = Tokenizers.fromGguf(TestModels.stories260K());
        StreamingDecoder decoder = t.streamingDecoder();
        assertEquals("", decoder.push(t.tokenId("<0xF0>")));
        assertEquals("", decoder.push(t.tokenId("<0x9F>")));
        assertTrue(decoder.hasPending());
        assertEquals("\uFFFD", decoder.flush());
        assertEquals("a", decoder.push(t.tokenId("a")));
    }

    @Test
    void streamingDoesNotHoldMalformedBytes() {
        assertEquals(2, StreamingDecoder.completeLength(new byte[] {'a', (byte) 0x80}));
        assertEquals(1, StreamingDecoder.completeLength(new byte[] {'a', (byte) 0xE2, (byte) 0x82}));
        assertEquals(4, StreamingDecoder.completeLength(new byte[] {'a', (byte) 0xE2, (byte) 0x82, (byte) 0xAC}));
        assertEquals(2, StreamingDecoder.completeLength(new byte[] {'a', (byte) 0xFF}));
    }

    @Test
    void gpt2EndOfTextIsSpecialOnlyWhenParsingSpecial() throws IOException {
        Tokenizer t = vocab("gpt-2");
        int eot = t.tokenId("<|endoftext|>");
        assertEquals(50256, eot);
        assertEquals(eot, t.eos());
        assertFalse(t.addsBos(), "gpt-2 style BPE adds no BOS");
        assertTrue(t.isEndOfGeneration(eot));
        assertTrue(t.isControl(eot));
        assertArrayEquals(new int[] {64, eot, 65}, t.encode("a<|endoftext|>b", false, true));
        int[] literal = t.encode("a<|endoftext|>b", false, false);
        assertFalse(Arrays.stream(literal).anyMatch(id -> id == eot), Arrays.toString(literal));
        assertEquals("a<|endoftext|>b", t.decode(literal));
        assertEquals("a<|endoftext|>b", t.decode(new int[] {64, eot, 65}));
        assertEquals("ab", t.decode(new int[] {64, eot, 65}, false));
    }

    @Test
    void mptSplitsUserDefinedTokensEvenWithoutParseSpecial() throws IOException {
        Tokenizer t = vocab("mpt");
        int spaces = t.tokenId(" ".repeat(24));
        assertTrue(spaces > 0);
        int[] ids = t.encode("a" + " ".repeat(24) + "b", false, false);
        assertTrue(Arrays.stream(ids).anyMatch(id -> id == spaces), Arrays.toString(ids));
    }

    @Test
    void phi3ControlTokensSwallowTheWhitespaceAfterThem() throws IOException {
        Tokenizer t = vocab("phi-3");
        int user = t.tokenId("<|user|>");
        int end = t.tokenId("<|end|>");
        int[] ids = t.encode("<|user|>\nHi<|end|>\n", false, true);
        // llama.cpp gives phi-3's special tokens rstrip, so the newlines after them vanish
        assertEquals(user, ids[0]);
        assertEquals(end, ids[ids.length - 1]);
        assertArrayEquals(t.encode("<|user|>Hi<|end|>", false, true), ids);
        assertTrue(t.isEndOfGeneration(end), "<|end|> ends generation");
        assertTrue(t.isEndOfGeneration(t.eos()));
    }

    @Test
    void deepseekCoderAddsBosFromMetadata() throws IOException {
        Tokenizer t = vocab("deepseek-coder");
        assertTrue(t.addsBos());
        int[] ids = t.encode("Hello", true, false);
        assertEquals(t.bos(), ids[0]);
        assertEquals(32013, ids[0]);
    }

    @Test
    void tokenBytesOfByteTokensAreRawBytes() throws IOException {
        Tokenizer t = vocab("llama-spm");
        assertArrayEquals(new byte[] {(byte) 0xE2}, t.tokenBytes(t.tokenId("<0xE2>")));
        assertArrayEquals(" Hello".getBytes(StandardCharsets.UTF_8), t.tokenBytes(t.tokenId("▁Hello")));
        assertArrayEquals(new byte[0], t.tokenBytes(t.bos(), false));
        assertThrows(IllegalArgumentException.class, () -> t.tokenBytes(t.vocabSize()));
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {-1}));
    }
}
