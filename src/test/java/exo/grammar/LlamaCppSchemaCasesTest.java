package exo.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * llama.cpp's own schema cases ({@code tests/test-json-schema-to-grammar.cpp} in the vendored
 * sources): each schema converts (or fails where llama.cpp's fails); every random sentence of
 * this converter's grammar is JSON that fits the schema; and every random sentence of
 * llama.cpp's expected grammar that fits the schema is taken by this one, so this grammar
 * allows all the valid output llama.cpp's does.
 */
class LlamaCppSchemaCasesTest {
    record Case(boolean success, String name, String schema, String grammar) {
    }

    private static List<Case> cases() throws IOException {
        Map<String, String> files = VendoredLlamaCpp.files(".*/tests/test-json-schema-to-grammar\\.cpp");
        assertEquals(1, files.size());
        String src = files.values().iterator().next();
        Matcher m = Pattern.compile("test\\(\\{\\s*(SUCCESS|FAILURE),\\s*\"([^\"]*)\",\\s*R\"\"\"\\((.*?)\\)\"\"\",\\s*R\"\"\"\\((.*?)\\)\"\"\"",
                Pattern.DOTALL).matcher(src);
        List<Case> out = new ArrayList<>();
        while (m.find()) {
            out.add(new Case(m.group(1).equals("SUCCESS"), m.group(2), m.group(3), m.group(4)));
        }
        return out;
    }

    @Test
    void llamaCppsSchemaCases() throws IOException {
        List<Case> cases = cases();
        assertTrue(cases.size() >= 60, "cases found: " + cases.size());
        int theirsChecked = 0;
        int theirsInvalid = 0;
        for (Case c : cases) {
            JsonNode schema = JsonSchemaGrammar.parse(c.schema());
            if (!c.success()) {
                assertThrows(GrammarException.class, () -> JsonSchemaGrammar.toGrammar(schema), c.name());
                continue;
            }
            Grammar mine = JsonSchemaGrammar.toGrammar(schema);
            CompiledGrammar compiled = mine.compile();
            SchemaValidator validator = new SchemaValidator(schema);
            GrammarGenerator ours = new GrammarGenerator(mine, c.name().hashCode(), 10, 300);
            for (int i = 0; i < 200; i++) {
                String text = ours.next();
                JsonNode value = JsonSchemaPropertyTest.LENIENT.readTree(text);
                assertNull(validator.check(value), () -> c.name() + ": " + text);
            }
            Grammar theirs = Grammar.parse(c.grammar().strip());
            GrammarGenerator llama = new GrammarGenerator(theirs, c.name().hashCode() + 1, 10, 300);
            for (int i = 0; i < 200; i++) {
                String text = llama.next();
                JsonNode value;
                try {
                    value = JsonSchemaPropertyTest.LENIENT.readTree(text);
                } catch (IOException e) {
                    theirsInvalid++;
                    continue;
                }
                if (validator.check(value) != null) {
                    theirsInvalid++;
                    continue;
                }
                theirsChecked++;
                GrammarMatcher matcher = new GrammarMatcher(compiled);
                assertTrue(matcher.advance(text) && matcher.isComplete(), () -> c.name() + ": llama.cpp's grammar allows " + text);
            }
        }
        assertTrue(theirsChecked > 10_000, "sentences of llama.cpp's grammars checked: " + theirsChecked);
        System.err.println("llama.cpp schema cases: " + cases.size() + ", their sentences taken " + theirsChecked
                + ", not fitting the schema " + theirsInvalid);
    }
}
