package exo.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Schema features, each with JSON the grammar must take and JSON it must refuse (a refusal
 * anywhere before the end counts, as a sampler would never reach it).
 */
class JsonSchemaGrammarTest {
    private static void check(String schema, List<String> accepted, List<String> refused) {
        CompiledGrammar g = JsonSchemaGrammar.toGrammar(schema).compile();
        for (String s : accepted) {
            GrammarMatcher m = new GrammarMatcher(g);
            assertTrue(m.advance(s) && m.isComplete(), "should accept " + s + " for " + schema);
        }
        for (String s : refused) {
            GrammarMatcher m = new GrammarMatcher(g);
            assertTrue(!m.advance(s) || !m.isComplete(), "should refuse " + s + " for " + schema);
        }
    }

    @Test
    void objectsWithRequiredAndOptionalPropertiesInOrder() {
        check("""
                {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}, "c": {"type": "boolean"}},
                 "required": ["b"]}""",
                List.of("{\"b\": 1}", "{\"b\":1,\"a\":\"x\"}", "{\"b\": 1, \"c\": true}", "{\"b\": 1, \"a\": \"x\", \"c\": false}",
                        "{ \"b\" : -7 }", "{\n  \"b\": 0\n}"),
                List.of("{}", "{\"a\": \"x\"}", "{\"b\": 1, \"c\": true, \"a\": \"x\"}", "{\"b\": 1, \"b\": 2}",
                        "{\"b\": 1, \"d\": 2}", "{\"b\": \"1\"}", "{\"b\": 1.5}"));
    }

    @Test
    void requiredPropertiesComeFirstInSchemaOrder() {
        check("""
                {"type": "object", "properties": {"x": {"type": "null"}, "y": {"type": "null"}}, "required": ["y", "x"]}""",
                List.of("{\"x\": null, \"y\": null}"), List.of("{\"y\": null, \"x\": null}", "{\"x\": null}"));
    }

    @Test
    void additionalProperties() {
        check("""
                {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": false}""",
                List.of("{}", "{\"a\": 1}"), List.of("{\"b\": 1}"));
        check("""
                {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": true}""",
                List.of("{}", "{\"a\": 1}", "{\"a\": 1, \"b\": [1, {\"c\": null}]}", "{\"ab\": 1}", "{\"\": 1}", "{\"\\u0061\": \"esc\"}"),
                List.of("{\"a\": \"x\"}", "{\"a\": 1, \"a\": 2}", "{\"b\": 1, \"a\": 1}"));
        check("""
                {"type": "object", "additionalProperties": {"type": "number"}}""",
                List.of("{}", "{\"x\": 1, \"y\": -2.5e+3}"), List.of("{\"x\": \"1\"}"));
    }

    @Test
    void numbersIntegersAndTheirForms() {
        check("{\"type\": \"number\"}",
                List.of("0", "-0", "12", "-12.5", "1e10", "1E-5", "-3.25e+7", "0.0001"),
                List.of("01", "1.", ".5", "+1", "1e", "--1", "NaN", "Infinity", "1e01"));
        check("{\"type\": \"integer\"}", List.of("0", "-42", "123456789"), List.of("1.0", "1e3", "00", "-"));
    }

    @Test
    void integerRanges() {
        check("{\"type\": \"integer\", \"minimum\": -5, \"maximum\": 120}",
                List.of("-5", "-1", "0", "9", "10", "99", "100", "120"), List.of("-6", "121", "130", "1000", "-10"));
        check("{\"type\": \"integer\", \"exclusiveMinimum\": 0}", List.of("1", "7", "10", "123456"), List.of("0", "-1"));
        check("{\"type\": \"integer\", \"minimum\": 15}", List.of("15", "19", "20", "99", "100", "1500"), List.of("14", "9", "0", "-15"));
        check("{\"type\": \"integer\", \"maximum\": 30}", List.of("30", "-1000", "0", "29"), List.of("31", "100"));
        check("{\"type\": \"integer\", \"minimum\": -30, \"maximum\": -10}", List.of("-30", "-10", "-15"), List.of("-9", "-31", "0"));
        // llama.cpp's own converter lets these through (it loses the length of the digits after the first)
        check("{\"type\": \"integer\", \"minimum\": 1000}", List.of("1000", "1999", "9999", "10000", "123456"),
                List.of("102", "999", "10", "1"));
        check("{\"type\": \"integer\", \"maximum\": -1000}", List.of("-1000", "-1001", "-99999"), List.of("-102", "-999", "0"));
        check("{\"type\": \"integer\", \"minimum\": -7}", List.of("-7", "-1", "0", "5", "1234"), List.of("-8", "-10", "-70"));
    }

    @Test
    void stringsWithUnicodeAndEveryJsonEscape() {
        check("{\"type\": \"string\"}",
                List.of("\"\"", "\"plain\"", "\"é日😀\"", "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\"", "\"\u007F\""),
                List.of("\"\\x\"", "\"\\u12\"", "\"a\nb\"", "\"tab\there\"", "unquoted", "\"open"));
    }

    @Test
    void stringLengthCountsCharactersNotBytes() {
        check("{\"type\": \"string\", \"minLength\": 2, \"maxLength\": 3}",
                List.of("\"ab\"", "\"日本語\"", "\"a\\n\""), List.of("\"a\"", "\"abcd\"", "\"日本語x\""));
    }

    @Test
    void enumsAndConstsOfAnyType() {
        check("{\"enum\": [\"red\", 1, null, true, {\"a\": [1]}]}",
                List.of("\"red\"", "1", "null", "true", "{\"a\":[1]}"), List.of("\"blue\"", "2", "false", "{\"a\": [1]}"));
        check("{\"const\": \"fixed\"}", List.of("\"fixed\""), List.of("\"other\""));
        check("{\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"]}",
                List.of("\"celsius\""), List.of("\"kelvin\"", "\"Celsius\""));
    }

    @Test
    void arrays() {
        check("{\"type\": \"array\", \"items\": {\"type\": \"integer\"}, \"minItems\": 1, \"maxItems\": 3}",
                List.of("[1]", "[1, 2, 3]", "[ 1 ,2 ]"), List.of("[]", "[1, 2, 3, 4]", "[1, \"2\"]", "[1,]"));
        check("{\"type\": \"array\", \"items\": {\"type\": \"string\"}}", List.of("[]", "[\"a\", \"b\"]"), List.of("[1]"));
        check("{\"prefixItems\": [{\"type\": \"string\"}, {\"type\": \"number\"}]}",
                List.of("[\"a\", 1]"), List.of("[1, \"a\"]", "[\"a\"]", "[\"a\", 1, 2]"));
        check("{\"type\": \"array\", \"minItems\": 2, \"maxItems\": 2, \"items\": {\"type\": \"boolean\"}}",
                List.of("[true, false]"), List.of("[true]", "[true, true, true]"));
    }

    @Test
    void anyOfOneOfAndTypeLists() {
        check("{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}]}", List.of("\"x\"", "3"), List.of("true", "1.5"));
        check("{\"oneOf\": [{\"type\": \"null\"}, {\"type\": \"array\", \"items\": {\"type\": \"null\"}}]}",
                List.of("null", "[null]"), List.of("[1]"));
        check("{\"type\": [\"string\", \"null\"]}", List.of("\"s\"", "null"), List.of("0"));
    }

    @Test
    void allOfMergesObjectSchemas() {
        check("""
                {"allOf": [{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
                           {"$ref": "#/$defs/B"}],
                 "$defs": {"B": {"type": "object", "properties": {"b": {"type": "string"}}}}}""",
                List.of("{\"a\": 1}", "{\"a\": 1, \"b\": \"x\"}"), List.of("{\"b\": \"x\"}", "{\"a\": \"1\"}"));
    }

    @Test
    void nestedObjects() {
        check("""
                {"type": "object", "properties": {
                   "user": {"type": "object", "properties": {"name": {"type": "string"},
                            "address": {"type": "object", "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}},
                                        "required": ["zip"]}},
                            "required": ["name", "address"]}},
                 "required": ["user"]}""",
                List.of("{\"user\": {\"name\": \"Ann\", \"address\": {\"zip\": \"75001\"}}}"),
                List.of("{\"user\": {\"name\": \"Ann\", \"address\": {\"zip\": \"7500\"}}}", "{\"user\": {\"name\": \"Ann\"}}"));
    }

    @Test
    void refsToDefsAndDefinitionsIncludingRecursion() {
        check("""
                {"$ref": "#/$defs/node",
                 "$defs": {"node": {"type": "object",
                                    "properties": {"value": {"type": "integer"},
                                                   "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
                                    "required": ["value"]}}}""",
                List.of("{\"value\": 1}", "{\"value\": 1, \"children\": [{\"value\": 2, \"children\": [{\"value\": 3}]}]}"),
                List.of("{\"value\": 1, \"children\": [{}]}"));
        check("""
                {"type": "object", "properties": {"p": {"$ref": "#/definitions/point"}}, "required": ["p"],
                 "definitions": {"point": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}}}""",
                List.of("{\"p\": [1, 2.5]}"), List.of("{\"p\": [1]}"));
    }

    @Test
    void patternsAreMatchedWholeWithJsonEscaping() {
        check("{\"type\": \"string\", \"pattern\": \"^[A-Z]{2}-\\\\d{3}$\"}",
                List.of("\"AB-123\""), List.of("\"ab-123\"", "\"AB-12\"", "\"AB-1234\""));
        // a quote and a backslash in the pattern must come out escaped in the JSON
        check("{\"type\": \"string\", \"pattern\": \"^a\\\"b\\\\\\\\c$\"}", List.of("\"a\\\"b\\\\c\""), List.of("\"a\"b\\c\""));
        check("{\"type\": \"string\", \"pattern\": \"^(foo|ba[rz])+(?:\\\\.x)?$\"}",
                List.of("\"foo\"", "\"barbazfoo\"", "\"bar.x\""), List.of("\"fo\"", "\"bar.y\"", "\"\""));
        check("{\"type\": \"string\", \"pattern\": \"^[^a-z]*$\"}", List.of("\"ABC 1\"", "\"\\\"\"", "\"\\n\""), List.of("\"aB\""));
    }

    @Test
    void stringFormats() {
        check("{\"type\": \"string\", \"format\": \"date\"}", List.of("\"2026-07-26\""), List.of("\"2026-13-01\"", "\"26-07-26\""));
        check("{\"type\": \"string\", \"format\": \"time\"}", List.of("\"23:59:59Z\"", "\"08:00:00.123+02:00\""), List.of("\"24:00:00Z\""));
        check("{\"type\": \"string\", \"format\": \"date-time\"}", List.of("\"2026-07-26T12:00:00Z\""), List.of("\"2026-07-26 12:00:00Z\""));
        check("{\"type\": \"string\", \"format\": \"uuid\"}", List.of("\"123e4567-e89b-12d3-a456-426614174000\""),
                List.of("\"123e4567e89b12d3a456426614174000\""));
    }

    @Test
    void whitespaceIsBoundedSoAModelCannotPadForever() {
        CompiledGrammar g = JsonSchemaGrammar.anyObject().compile();
        assertTrue(new GrammarMatcher(g).advance("{" + "\n\n" + " ".repeat(20) + "}"));
        GrammarMatcher m = new GrammarMatcher(g);
        assertTrue(!m.advance("{" + " ".repeat(2)), "two spaces in a row are refused");
        assertTrue(!new GrammarMatcher(g).advance("{\n" + " ".repeat(21)));
        assertTrue(!new GrammarMatcher(g).advance("{\n\n\n"));
    }

    @Test
    void jsonObjectAndAnyValue() {
        CompiledGrammar obj = JsonSchemaGrammar.anyObject().compile();
        GrammarMatcher m = new GrammarMatcher(obj);
        assertTrue(m.advance("{\"a\": [1, {\"b\": null}], \"c\": \"d\"}") && m.isComplete());
        assertTrue(!new GrammarMatcher(obj).advance("[1]"));
        CompiledGrammar any = JsonSchemaGrammar.anyValue().compile();
        for (String s : List.of("[1]", "\"s\"", "3", "null", "{}")) {
            GrammarMatcher v = new GrammarMatcher(any);
            assertTrue(v.advance(s) && v.isComplete(), s);
        }
    }

    @Test
    void printsGbnfAsLlamaCppNamesItsRules() {
        String gbnf = JsonSchemaGrammar.toGbnf(JsonSchemaGrammar.parse("""
                {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}}, "required": ["city"]}"""));
        assertTrue(gbnf.contains("root ::= \"{\" space city-kv ( \",\" space ( unit-kv ) )? \"}\" space"), gbnf);
        assertTrue(gbnf.contains("city-kv ::= \"\\\"city\\\"\" space \":\" space string"), gbnf);
        assertTrue(gbnf.contains("unit ::= (\"\\\"c\\\"\" | \"\\\"f\\\"\") space"), gbnf);
        assertTrue(gbnf.contains("space ::= | \" \" | \"\\n\"{1,2} [ \\t]{0,20}"), gbnf);
    }

    @Test
    void badSchemasFailWithOneLineReasons() {
        for (String[] c : new String[][] {
            {"{\"type\": \"string\", \"pattern\": \"^(?=a)b$\"}", "lookaround"},
            {"{\"type\": \"string\", \"pattern\": \"^(a)\\\\1$\"}", "backreferences"},
            {"{\"type\": \"string\", \"pattern\": \"^\\\\p{L}+$\"}", "Unicode property"},
            {"{\"type\": \"string\", \"pattern\": \"a^b\"}", "anchors"},
            {"{\"$ref\": \"https://example.com/s.json\"}", "only local references"},
            {"{\"$ref\": \"#/$defs/missing\"}", "cannot resolve $ref #/$defs/missing"},
            {"{\"type\": \"wat\"}", "unrecognized schema"},
            {"{\"type\": \"array\", \"items\": {}, \"minItems\": 3, \"maxItems\": 1}", "maxItems 1 is below minItems 3"},
            {"{\"type\": \"integer\", \"minimum\": 5, \"maximum\": 1}", "integer range is empty"},
            {"{\"enum\": []}", "enum is empty"},
            {"{\"allOf\": [{\"type\": \"string\"}, {\"type\": \"string\", \"maxLength\": 3}]}", "allOf is supported for object schemas"},
            {"not json", "the schema is not JSON"},
        }) {
            GrammarException e = assertThrows(GrammarException.class, () -> JsonSchemaGrammar.toGrammar(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
            assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
        }
    }
}
