package exo.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The GBNF grammars llama.cpp ships ({@code grammars/*.gbnf} in the vendored sources,
 * ../shared/vendor/llama.cpp-b4916.tar.gz, read in place) all parse and compile, and match
 * what they are for.
 */
class LlamaCppGrammarsTest {
    private static Map<String, String> grammars() throws IOException {
        Map<String, String> out = new TreeMap<>();
        VendoredLlamaCpp.files(".*/grammars/[^/]+\\.gbnf").forEach((path, text) -> out.put(path.substring(path.lastIndexOf('/') + 1), text));
        return out;
    }

    @Test
    void everyShippedGrammarParsesAndMatchesWhatItIsFor() throws IOException {
        Map<String, String> g = grammars();
        assertEquals(8, g.size(), g.keySet().toString());
        for (Map.Entry<String, String> e : g.entrySet()) {
            Grammar grammar = Grammar.parse(e.getValue());
            grammar.compile();
            // printing and reading again keeps the grammar
            assertEquals(grammar.toGbnf(), Grammar.parse(grammar.toGbnf()).toGbnf(), e.getKey());
        }
        assertTrue(matches(g.get("json.gbnf"), "{\"a\": [1, 2.5, \"x\"], \"b\": {\"c\": null}}"));
        assertTrue(matches(g.get("json_arr.gbnf"), "[\n{\"a\": 1},\n{\"b\": true}\n]"));
        assertTrue(matches(g.get("arithmetic.gbnf"), "(a+2)*b = x\n"));
        assertTrue(!matches(g.get("arithmetic.gbnf"), "x = (a + 2) * b\n"), "the right side is one term");
        assertTrue(matches(g.get("list.gbnf"), "- one\n- two\n"));
        assertTrue(matches(g.get("chess.gbnf"), "1. e4 e5\n2. Nf3 Nc6\n"));
        assertTrue(matches(g.get("c.gbnf"), "int main(){int x = 1;while(x<10){x = x*2;}return x;}"));
        assertTrue(!matches(g.get("list.gbnf"), "* one\n"));
    }

    private static boolean matches(String gbnf, String text) {
        GrammarMatcher m = new GrammarMatcher(Grammar.parse(gbnf));
        return m.advance(text) && m.isComplete();
    }
}
