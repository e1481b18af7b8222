package exo.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GBNF text as llama.cpp reads it: the syntax that must parse, and one-line errors with a position. */
class GbnfParserTest {
    /** A JSON grammar written the way llama.cpp's grammars/json.gbnf is laid out (multi-line rules, comments). */
    static final String JSON_GBNF = """
            # a comment line
            root   ::= object
            value  ::= object | array | string | number | ("true" | "false" | "null") ws

            object ::=
              "{" ws (
                        string ":" ws value
                ("," ws string ":" ws value)*
              )? "}" ws

            array  ::=
              "[" ws (
                        value
                ("," ws value)*
              )? "]" ws

            string ::=
              "\\"" (
                [^"\\\\\\x7F\\x00-\\x1F] |
                "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4}) # escapes
              )* "\\"" ws

            number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]+)? ([eE] [-+]? [0-9] [1-9]{0,15})? ws
            ws ::= | " " | "\\n" [ \\t]{0,20}
            """;

    @Test
    void readsAMultiLineGrammarWithComments() {
        Grammar g = Grammar.parse(JSON_GBNF);
        assertEquals(List.of("root", "value", "object", "array", "string", "number", "ws"), List.copyOf(g.rules().keySet()));
        GrammarMatcher m = new GrammarMatcher(g);
        assertTrue(m.advance("{\"a\": [1, -2.5e3, \"x\\\"y\\u00e9\", true, null], \"b\": {}}"));
        assertTrue(m.isComplete());
    }

    @Test
    void printedGrammarReadsBackToTheSameLanguage() {
        Grammar g = Grammar.parse(JSON_GBNF);
        Grammar again = Grammar.parse(g.toGbnf());
        for (String s : List.of("{}", "{\"k\":[1,2,{\"z\":null}]}", "[1]", "{\"a\":01}", "{\"a\" 1}", "{\"\\q\":1}")) {
            assertEquals(new GrammarMatcher(g).advance(s) && completes(g, s), new GrammarMatcher(again).advance(s) && completes(again, s), s);
        }
        assertEquals(g.toGbnf(), again.toGbnf());
    }

    private static boolean completes(Grammar g, String s) {
        GrammarMatcher m = new GrammarMatcher(g);
        return m.advance(s) && m.isComplete();
    }

    @Test
    void escapesInLiteralsAndClasses() {
        Grammar g = Grammar.parse("root ::= \"\\x41\\u00e9\\U0001F600\\t\\n\\r\\\\\\\"\\[\\]\" [\\x30-\\x39\\]\\-]");
        GrammarMatcher m = new GrammarMatcher(g);
        assertTrue(m.advance("Aé😀\t\n\r\\\"[]"));
        assertTrue(new GrammarMatcher(g).accepts("Aé😀\t\n\r\\\"[]]"));
        assertTrue(new GrammarMatcher(g).accepts("Aé😀\t\n\r\\\"[]-"));
        assertTrue(new GrammarMatcher(g).accepts("Aé😀\t\n\r\\\"[]7"));
        assertFalse(new GrammarMatcher(g).accepts("Aé😀\t\n\r\\\"[]a"));
    }

    @Test
    void repetitionForms() {
        Grammar g = Grammar.parse("root ::= \"a\"{2} \"b\"{1,3} \"c\"{2,} (\"d\" | \"e\")* \"f\"+ \"g\"?");
        assertTrue(completes(g, "aabccf"));
        assertTrue(completes(g, "aabbbcccccdedeffg"));
        assertFalse(completes(g, "abccf"));
        assertFalse(completes(g, "aabbbbccf"));
        assertFalse(completes(g, "aabcf"));
        assertFalse(completes(g, "aabcc"));
    }

    @Test
    void aMultiCharacterLiteralRepeatsWhole() {
        Grammar g = Grammar.parse("root ::= \"ab\"* \"c\"");
        assertTrue(completes(g, "ababc"));
        assertFalse(completes(g, "abbc"));
    }

    @Test
    void anyCharacterAndNegatedClasses() {
        Grammar g = Grammar.parse("root ::= . [^a-z日] [^\\n]*");
        assertTrue(completes(g, "日X rest"));
        assertTrue(completes(g, "😀1"));
        assertFalse(completes(g, "xa"));
        assertFalse(completes(g, "x日"));
        assertFalse(completes(g, "xY\n"));
    }

    @Test
    void emptyAlternativesAndEmptyLiteral() {
        Grammar g = Grammar.parse("root ::= \"x\" opt\nopt ::= | \"y\" | \"\"");
        assertTrue(completes(g, "x"));
        assertTrue(completes(g, "xy"));
    }

    @Test
    void startsFromAnotherRule() {
        Grammar g = Grammar.parse("a ::= \"1\"\nb ::= \"2\" a", "b");
        assertTrue(completes(g, "21"));
        assertEquals("b", g.root());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "root \"x\"                        | GBNF line 1, column 6: expecting ::= after rule name 'root'",
        "root ::= x                        | rule 'root' refers to undefined rule 'x'",
        "root ::= \"abc                    | GBNF line 1, column 14: unterminated string literal",
        "root ::= [a-z                     | GBNF line 1, column 14: unterminated character class",
        "root ::= \"\\q\"                  | GBNF line 1, column 11: unknown escape '\\q'",
        "root ::= \"\\x4\"                 | GBNF line 1, column 14: expecting 2 hex digits",
        "root ::= \"a\"{3,1}               | repetition {3,1} has its maximum below its minimum",
        "root ::= \"a\"{x}                 | GBNF line 1, column 14: expecting an integer",
        "root ::= * \"a\"                  | GBNF line 1, column 10: expecting an item before '*'",
        "root ::= (\"a\" \"b\"             | GBNF line 1, column 18: expecting ')'",
        "root ::= [z-a]                    | character range is backwards",
        "other ::= \"a\"                   | the grammar has no rule 'root' to start from",
        "root ::= \"a\"\\nroot ::= \"b\"   | GBNF line 2, column 1: rule 'root' is defined twice",
        "root ::= \"a\" ) \"b\"            | GBNF line 1, column 14: expecting newline or end of rule",
        "# only a comment                  | GBNF line 1, column 17: the grammar has no rules",
    })
    void badGrammarsGiveOneLineErrors(String gbnf, String expected) {
        String text = gbnf.replace("\\n", "\n");
        GrammarException e = assertThrows(GrammarException.class, () -> Grammar.parse(text).compile());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void hugeRepetitionsAreRefusedInsteadOfFillingMemory() {
        GrammarException e = assertThrows(GrammarException.class, () -> Grammar.parse("root ::= [a-z]{0,500000}").compile());
        assertTrue(e.getMessage().contains("over 100000 times ({0,500000})"), e.getMessage());
        assertTrue(completes(Grammar.parse("root ::= [a-z]{0,2000}"), "abc"));
    }

    @Test
    void leftRecursionIsRefusedAsLlamaCppDoes() {
        GrammarException direct = assertThrows(GrammarException.class, () -> Grammar.parse("root ::= root \"a\" | \"b\"").compile());
        assertTrue(direct.getMessage().contains("left-recursive"), direct.getMessage());
        // through a rule that may be empty
        GrammarException indirect = assertThrows(GrammarException.class,
                () -> Grammar.parse("root ::= e root \"x\" | \"y\"\ne ::= \"z\"?").compile());
        assertTrue(indirect.getMessage().contains("left-recursive"), indirect.getMessage());
        // right recursion is fine
        assertTrue(completes(Grammar.parse("root ::= \"a\" root | \"b\""), "aaab"));
    }
}
