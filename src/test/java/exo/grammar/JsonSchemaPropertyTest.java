package exo.grammar;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random sentences of each schema's grammar (500 per schema, seeded) must be taken whole by
 * the matcher, parse as JSON with Jackson (nothing after the value; no duplicate keys where
 * the schema lists the keys) and fit the schema by an independent checker.
 */
class JsonSchemaPropertyTest {
    static final ObjectMapper STRICT = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /**
     * For objects open to any key a context-free grammar cannot rule out a key seen before
     * (llama.cpp's cannot either); JSON allows it, so those schemas are parsed without the
     * duplicate check. Objects with listed properties only are checked for it.
     */
    static final ObjectMapper LENIENT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static Stream<String> schemas() {
        return Stream.of(
                "{\"type\": \"object\"}",
                "{}",
                """
                {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                 "required": ["city"]}""",
                """
                {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "integer", "minimum": -20, "maximum": 300},
                 "c": {"type": "boolean"}, "d": {"type": "null"}, "e": {"type": "integer", "exclusiveMinimum": 9}},
                 "required": ["a", "b"], "additionalProperties": false}""",
                """
                {"type": "object", "properties": {"k": {"type": "string", "minLength": 1, "maxLength": 4}},
                 "additionalProperties": {"type": "array", "items": {"type": "integer"}, "maxItems": 3}}""",
                """
                {"type": "object", "properties": {"known": {"type": "integer"}, "kn": {"type": "integer"}}, "additionalProperties": true}""",
                """
                {"type": "array", "items": {"anyOf": [{"type": "string", "pattern": "^[a-c]{1,3}(-\\\\d)?$"}, {"type": "null"},
                 {"type": "object", "properties": {"x": {"const": [1, "two"]}}, "required": ["x"]}]}, "minItems": 1, "maxItems": 5}""",
                """
                {"prefixItems": [{"type": "string", "format": "date"}, {"type": "string", "format": "time"},
                 {"type": "string", "format": "date-time"}, {"type": "string", "format": "uuid"}]}""",
                """
                {"$ref": "#/$defs/tree", "$defs": {"tree": {"type": "object", "properties": {"v": {"type": ["integer", "string"]},
                 "kids": {"type": "array", "items": {"$ref": "#/$defs/tree"}, "maxItems": 2}}, "required": ["v"]}}}""",
                """
                {"allOf": [{"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}, "required": ["id"]},
                           {"properties": {"tags": {"type": "array", "items": {"type": "string", "pattern": "^[^\\\\s\\"]+$"}}}}]}""",
                """
                {"oneOf": [{"type": "string", "pattern": "^\\"?[\\\\\\\\/]\\\\w+$"}, {"type": "integer", "maximum": -1000}]}""");
    }

    @ParameterizedTest
    @MethodSource("schemas")
    void randomSentencesAreValidJsonThatFitsTheSchema(String schemaText) throws Exception {
        boolean openKeys = schemaText.contains("additionalProperties\": {") || schemaText.contains("additionalProperties\": true")
                || !schemaText.contains("properties");
        ObjectMapper json = openKeys ? LENIENT : STRICT;
        JsonNode schema = JsonSchemaGrammar.parse(schemaText);
        Grammar grammar = JsonSchemaGrammar.toGrammar(schema);
        CompiledGrammar compiled = grammar.compile();
        SchemaValidator validator = new SchemaValidator(schema);
        GrammarGenerator generator = new GrammarGenerator(grammar, schemaText.hashCode(), 12, 400);
        for (int i = 0; i < 500; i++) {
            String text = generator.next();
            GrammarMatcher m = new GrammarMatcher(compiled);
            assertTrue(m.advance(text) && m.isComplete(), "the matcher takes its own grammar's sentence: " + text);
            JsonNode value = json.readTree(text);
            assertNull(validator.check(value), () -> "fits " + schemaText + ": " + text);
        }
    }
}
