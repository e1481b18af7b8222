package exo.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.gguf.GgufArray;
import exo.gguf.GgufMetadata;
import exo.gguf.GgufValue;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The factory on hand-made metadata: choice of tokenizer, defaults, clear errors. */
class TokenizersTest {

    private static Map<String, GgufValue> bpe(String pre) {
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("tokenizer.ggml.model", GgufValue.ofString("gpt2"));
        if (pre != null) {
            kv.put("tokenizer.ggml.pre", GgufValue.ofString(pre));
        }
        kv.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings(
                "a", "b", "ab", "Ġ", "<|begin_of_text|>", "<|eot_id|>", "Ġab", "c")));
        kv.put("tokenizer.ggml.merges", GgufValue.ofArray(GgufArray.ofStrings("a b", "Ġ ab")));
        kv.put("tokenizer.ggml.bos_token_id", GgufValue.ofUInt32(4));
        kv.put("tokenizer.ggml.eos_token_id", GgufValue.ofUInt32(5));
        return kv;
    }

    @Test
    void llamaBpeAddsBosAndFindsEotByText() {
        Tokenizer t = Tokenizers.fromMetadata(new GgufMetadata(bpe("llama-bpe")));
        assertTrue(t.addsBos(), "llama.cpp: llama-bpe adds BOS by default");
        assertArrayEquals(new int[] {4, 2, 6}, t.encode("ab ab", true, false));
        assertTrue(t.isEndOfGeneration(5));
        assertTrue(t.isControl(5), "a token named <|eot_id|> is made a control token, as llama.cpp does");
        assertArrayEquals(new int[] {2, 5}, t.encode("ab<|eot_id|>", false, true));
    }

    @Test
    void gpt2StyleAddsNoBos() {
        Tokenizer t = Tokenizers.fromMetadata(new GgufMetadata(bpe("gpt-2")));
        assertFalse(t.addsBos());
        assertArrayEquals(new int[] {2}, t.encode("ab", true, false));
    }

    @Test
    void addBosKeyOverridesTheDefault() {
        Map<String, GgufValue> kv = bpe("llama-bpe");
        kv.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(false));
        assertFalse(Tokenizers.fromMetadata(new GgufMetadata(kv)).addsBos());
    }

    @Test
    void missingPreFallsBackToDefault() {
        Tokenizer t = Tokenizers.fromMetadata(new GgufMetadata(bpe(null)));
        assertArrayEquals(new int[] {2, 6}, t.encode("ab ab", false, false));
    }

    @Test
    void unknownModelIsAClearError() {
        Map<String, GgufValue> kv = bpe("gpt-2");
        kv.put("tokenizer.ggml.model", GgufValue.ofString("sentencepiece-v9"));
        exo.InvalidInputException e = assertThrows(exo.InvalidInputException.class,
                () -> Tokenizers.fromMetadata(new GgufMetadata(kv)));
        assertEquals("unknown tokenizer model: 'sentencepiece-v9'", e.getMessage());
    }

    @Test
    void unsupportedModelIsAClearError() {
        Map<String, GgufValue> kv = bpe("gpt-2");
        kv.put("tokenizer.ggml.model", GgufValue.ofString("bert"));
        exo.InvalidInputException e = assertThrows(exo.InvalidInputException.class,
                () -> Tokenizers.fromMetadata(new GgufMetadata(kv)));
        assertTrue(e.getMessage().contains("'bert' is not supported"), e.getMessage());
    }

    @Test
    void unknownPreTokenizerIsAClearError() {
        exo.InvalidInputException e = assertThrows(exo.InvalidInputException.class,
                () -> Tokenizers.fromMetadata(new GgufMetadata(bpe("mystery"))));
        assertEquals("unknown pre-tokenizer type: 'mystery'", e.getMessage());
    }

    @Test
    void missingPiecesAreClearErrors() {
        assertThrows(exo.InvalidInputException.class, () -> Tokenizers.fromMetadata(new GgufMetadata(Map.of())));
        Map<String, GgufValue> noMerges = bpe("gpt-2");
        noMerges.remove("tokenizer.ggml.merges");
        exo.InvalidInputException e = assertThrows(exo.InvalidInputException.class,
                () -> Tokenizers.fromMetadata(new GgufMetadata(noMerges)));
        assertTrue(e.getMessage().contains("merges"), e.getMessage());
    }

    @Test
    void aSpecialIdOfMinusOneKeepsTheDefault() {
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("tokenizer.ggml.model", GgufValue.ofString("llama"));
        kv.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings("<unk>", "<s>", "</s>", "▁a")));
        kv.put("tokenizer.ggml.eos_token_id", GgufValue.ofUInt32(0xFFFFFFFF));
        Tokenizer t = Tokenizers.fromMetadata(new GgufMetadata(kv));
        assertEquals(2, t.eos());
        assertArrayEquals(new int[] {1, 3}, t.encode("a", true, false));
    }
}
