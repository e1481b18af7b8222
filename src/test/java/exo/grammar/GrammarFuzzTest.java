package exo.grammar;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;

/**
 * Any text as a GBNF grammar or a JSON schema: a grammar, or a one-line GrammarException;
 * never another exception, a stack overflow or memory exhausted by repetitions written out.
 * A grammar that compiles then matches the input's bytes and masks a small vocabulary
 * without failing. The first byte picks GBNF (even) or JSON schema (odd), so the saved inputs
 * can start with a digit and stay text.
 */
class GrammarFuzzTest {
    private static final TokenVocabulary PIECES = TokenVocabulary.ofPieces(
            List.of("</s>", "{", "}", "\"", "a", "ab", " ", "\n", "1", "-", "é", "日本", "<", ">", "[", "]", ",", ":", "\\"), 0);

    @FuzzTest(maxDuration = "30s")
    void grammarsAndSchemasCompileOrAreRefused(byte[] data) {
        if (data.length == 0) {
            return;
        }
        String text = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
        CompiledGrammar compiled;
        try {
            Grammar g = (data[0] & 1) == 0 ? Grammar.parse(text) : JsonSchemaGrammar.toGrammar(text);
            compiled = g.compile();
        } catch (GrammarException refused) {
            if (refused.getMessage().contains("\n")) {
                throw new AssertionError("a refusal spans lines: " + refused.getMessage());
            }
            return;
        }
        MatchState s = compiled.initialState();
        s.advance(data);
        BitSet allowed = new BitSet();
        new TokenMasker(PIECES).allowed(s, null, allowed);
        for (int id = allowed.nextSetBit(0); id >= 0; id = allowed.nextSetBit(id + 1)) {
            if (!PIECES.isEndOfGeneration(id) && s.advance(PIECES.bytes(id)) == null) {
                throw new AssertionError("the mask allowed a token the state refuses: " + id);
            }
        }
    }
}
