package exo.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import exo.TestModels;
import exo.gguf.GgufFile;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token mask on real vocabularies (llama.cpp's ggml-vocab-*.gguf): the trie walk gives
 * exactly the tokens a token-by-token check gives, an allowed token never leads to a dead end,
 * and generations that pick only allowed tokens end in JSON that fits the schema.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenMaskTest {
    static final String BOUNDED_SCHEMA = """
            {"type": "object",
             "properties": {
               "name": {"type": "string", "maxLength": 8},
               "age": {"type": "integer", "minimum": 0, "maximum": 150},
               "unit": {"enum": ["celsius", "fahrenheit"]},
               "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}, "maxItems": 3},
               "ok": {"type": "boolean"}
             },
             "required": ["name", "age"]}
            """;

    private final Map<String, Tokenizer> tokenizers = new HashMap<>();
    private final Map<String, TokenVocabulary> vocabularies = new HashMap<>();

    private Tokenizer tokenizer(String name) {
        return tokenizers.computeIfAbsent(name, n -> {
            try {
                return Tokenizers.fromMetadata(GgufFile.readHeader(TestModels.require("llama.cpp-vocab/ggml-vocab-" + n + ".gguf")).metadata());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private TokenVocabulary vocab(String name) {
        return vocabularies.computeIfAbsent(name, n -> TokenVocabulary.of(tokenizer(n)));
    }

    /** What the mask must be, token by token, without the trie. */
    private static BitSet bruteForce(TokenVocabulary v, MatchState s) {
        BitSet out = new BitSet();
        for (int id = 0; id < v.size(); id++) {
            if (v.isEndOfGeneration(id)) {
                if (s.isComplete()) {
                    out.set(id);
                }
            } else if (!v.isSpecial(id) && v.bytes(id).length > 0 && s.advance(v.bytes(id)) != null) {
                out.set(id);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"deepseek-llm", "gpt-2", "llama-spm"})
    void theTrieWalkAllowsExactlyWhatATokenByTokenCheckAllows(String name) {
        TokenVocabulary v = vocab(name);
        CompiledGrammar g = JsonSchemaGrammar.toGrammar(BOUNDED_SCHEMA).compile();
        byte[] text = "{\"name\": \"Zoë 日本\", \"age\": 42, \"tags\": [\"a\\\"\", \"\\u00e9\"], \"ok\": true}"
                .getBytes(StandardCharsets.UTF_8);
        GrammarConstraint c = new GrammarConstraint(g, v);
        MatchState s = g.initialState();
        int at = 0;
        int steps = 0;
        while (at < text.length) {
            BitSet expected = bruteForce(v, s);
            assertEquals(expected, c.allowedTokens(), name + " at byte " + at);
            // the allowed token that spells the most of the rest of the text
            int best = -1;
            for (int id = expected.nextSetBit(0); id >= 0; id = expected.nextSetBit(id + 1)) {
                byte[] b = v.bytes(id);
                if (b.length > (best < 0 ? 0 : v.bytes(best).length) && at + b.length <= text.length
                        && java.util.Arrays.equals(b, 0, b.length, text, at, at + b.length)) {
                    best = id;
                }
            }
            assertTrue(best >= 0, "some allowed token goes on with the text at byte " + at);
            s = s.advance(v.bytes(best));
            c.accept(best);
            at += v.bytes(best).length;
            steps++;
        }
        assertEquals(bruteForce(v, s), c.allowedTokens());
        assertTrue(c.isComplete());
        assertTrue(steps > 10, "several masks compared: " + steps);
    }

    @ParameterizedTest
    @ValueSource(strings = {"deepseek-llm", "gpt-2", "llama-spm"})
    void randomAllowedTokensEndInJsonThatFitsTheSchema(String name) throws IOException {
        TokenVocabulary v = vocab(name);
        CompiledGrammar g = JsonSchemaGrammar.toGrammar(BOUNDED_SCHEMA).compile();
        SchemaValidator validator = new SchemaValidator(JsonSchemaGrammar.parse(BOUNDED_SCHEMA));
        for (long seed = 1; seed <= 3; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            String json = walk(v, g, allowed -> {
                int[] ids = allowed.stream().toArray();
                return ids[random.nextInt(ids.length)];
            });
            JsonNode value = JsonSchemaPropertyTest.STRICT.readTree(json);
            assertNull(validator.check(value), json);
        }
        // always the lowest allowed id: a walk no sampler would take, that must end all the same
        String lowest = walk(v, g, allowed -> allowed.nextSetBit(0));
        assertNull(validator.check(JsonSchemaPropertyTest.STRICT.readTree(lowest)), lowest);
    }

    /** Picks tokens with {@code policy} until an end-of-generation token or nothing more may come. */
    private static String walk(TokenVocabulary v, CompiledGrammar g, java.util.function.ToIntFunction<BitSet> policy) {
        GrammarConstraint c = new GrammarConstraint(g, v);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int step = 0; step < 2000; step++) {
            BitSet allowed = c.allowedTokens();
            assertFalse(allowed.isEmpty(), "a dead end after " + out.toString(StandardCharsets.UTF_8));
            int token = policy.applyAsInt(allowed);
            if (v.isEndOfGeneration(token)) {
                assertTrue(c.isComplete());
                return out.toString(StandardCharsets.UTF_8);
            }
            c.accept(token);
            out.writeBytes(v.bytes(token));
            if (c.mustEnd()) {
                assertTrue(c.isComplete());
                return out.toString(StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no end within 2000 tokens: " + out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void endOfGenerationOnlyWhereTheGrammarIsComplete() {
        TokenVocabulary v = vocab("gpt-2");
        Tokenizer t = tokenizer("gpt-2");
        int eos = t.eos();
        GrammarConstraint c = new GrammarConstraint(Grammar.parse("root ::= \"ab\" \"c\"?").compile(), v);
        assertFalse(c.allowedTokens().get(eos));
        assertFalse(c.allows(eos));
        c.accept(t.encode("ab", false, false)[0]);
        assertTrue(c.allowedTokens().get(eos));
        assertTrue(c.allows(eos));
        assertTrue(c.allowedTokens().get(t.encode("c", false, false)[0]));
        c.accept(eos);
        assertTrue(c.mustEnd());
        assertTrue(c.allowedTokens().isEmpty());
    }

    @Test
    void specialTokensOnlyWhenNamed() {
        TokenVocabulary v = vocab("deepseek-llm");
        Tokenizer t = tokenizer("deepseek-llm");
        String bos = "<｜begin▁of▁sentence｜>";
        int bosId = t.tokenId(bos);
        assertTrue(v.isSpecial(bosId), "the BOS token is a control token");
        CompiledGrammar g = Grammar.parse("root ::= \"" + bos + "\" \"x\"").compile();
        GrammarConstraint plain = new GrammarConstraint(g, v);
        assertFalse(plain.allowedTokens().get(bosId));
        assertFalse(plain.allows(bosId));
        GrammarConstraint named = new GrammarConstraint(g, v, List.of(bos));
        assertTrue(named.allowedTokens().get(bosId));
        named.accept(bosId);
        assertTrue(named.allows(t.encode("x", false, false)[0]));
        // and inside a JSON string a control token is never allowed, though its text would fit
        GrammarConstraint str = new GrammarConstraint(JsonSchemaGrammar.toGrammar("{\"type\": \"string\"}").compile(), v);
        str.accept(t.encode("\"", false, false)[0]);
        assertFalse(str.allowedTokens().get(bosId));
    }

    @Test
    void tokensSplittingACharacterAreAllowedWhenTheCharacterCanFinish() {
        TokenVocabulary v = vocab("llama-spm");
        Tokenizer t = tokenizer("llama-spm");
        // SentencePiece byte tokens <0xE6> <0x97> <0xA5> spell 日
        int e6 = t.tokenId("<0xE6>");
        int x97 = t.tokenId("<0x97>");
        int xA5 = t.tokenId("<0xA5>");
        int x80 = t.tokenId("<0x80>");
        GrammarConstraint c = new GrammarConstraint(Grammar.parse("root ::= \"日\"").compile(), v);
        assertTrue(c.allows(e6));
        c.accept(e6);
        BitSet allowed = c.allowedTokens();
        assertTrue(allowed.get(x97));
        assertFalse(allowed.get(x80), "E6 80 cannot become 日");
        c.accept(x97);
        c.accept(xA5);
        assertTrue(c.isComplete());
    }

    @Test
    void refusedTokensLeaveTheStateAlone() {
        TokenVocabulary v = vocab("gpt-2");
        Tokenizer t = tokenizer("gpt-2");
        GrammarConstraint c = new GrammarConstraint(Grammar.parse("root ::= \"a\" \"b\"").compile(), v);
        int b = t.encode("b", false, false)[0];
        assertThrows(IllegalArgumentException.class, () -> c.accept(b));
        c.accept(t.encode("a", false, false)[0]);
        c.accept(b);
        assertTrue(c.isComplete());
    }

    @Test
    void theCheapPathKeepsAnAllowedFirstPickAndMasksOtherwise() {
        TokenVocabulary v = vocab("gpt-2");
        Tokenizer t = tokenizer("gpt-2");
        GrammarConstraint c = new GrammarConstraint(JsonSchemaGrammar.anyObject().compile(), v);
        float[] logits = new float[v.size()];
        int brace = t.encode("{", false, false)[0];
        int hello = t.encode("Hello", false, false)[0];
        java.util.function.ToIntFunction<float[]> argmax = l -> {
            int best = 0;
            for (int i = 1; i < l.length; i++) {
                if (l[i] > l[best]) {
                    best = i;
                }
            }
            return best;
        };
        logits[brace] = 5;
        assertEquals(brace, TokenConstraint.sample(c, logits, argmax));
        logits[hello] = 9;
        assertEquals(brace, TokenConstraint.sample(c, logits, argmax), "Hello is refused, the mask leaves {");
        assertEquals(9f, logits[hello], "the caller's logits are not touched");
    }
}
