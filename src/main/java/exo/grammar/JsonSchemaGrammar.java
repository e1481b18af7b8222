package exo.grammar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON Schema to grammar, with llama.cpp's {@code json-schema-to-grammar} semantics: the
 * grammar accepts JSON text that satisfies the schema, values followed by bounded whitespace.
 *
 * <p>Supported: {@code type} (object, array, string, number, integer, boolean, null, or a list
 * of them); {@code properties} with {@code required} (required ones first in schema order,
 * then optional ones, each at most once, in order); {@code additionalProperties} false (the
 * default when {@code properties} is given), true or a schema; {@code items} (a schema or a
 * tuple), {@code prefixItems}, {@code minItems}, {@code maxItems}; {@code enum}, {@code const};
 * {@code anyOf} and {@code oneOf} (both as "any of"); {@code allOf} of object schemas
 * (properties merged, required as each part and the whole say; parts under an inner anyOf
 * optional) or of a single schema; {@code $ref} to {@code #/$defs/...},
 * {@code #/definitions/...} or any local pointer, recursion included; string
 * {@code minLength}/{@code maxLength}, {@code pattern} (a regex subset, see
 * {@link RegexGrammar}), {@code format} date, time, date-time and uuid; integer
 * {@code minimum}/{@code maximum} and their exclusive forms. Keywords it does not know
 * (description, title, number bounds, minProperties, ...) are ignored, as in llama.cpp, so the
 * output may be looser than the schema there. A schema with no type and nothing implying one
 * accepts any JSON value. Where llama.cpp's grammar lets invalid output through, this one
 * follows JSON and the schema (found by sampling llama.cpp's own test cases, see
 * LlamaCppSchemaCasesTest): integer minimums like 1000 refuse 102, negative maximums refuse
 * leading zeros, quotes and control characters that a pattern or {@code .} produces are
 * escaped, and keys besides the listed ones are valid JSON strings; the escape {@code \/}
 * and a raw DEL are allowed, as JSON allows them.
 */
public final class JsonSchemaGrammar {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonSchemaGrammar() {
    }

    /** The GBNF text for {@code schema}, root rule {@code root}. */
    public static String toGbnf(JsonNode schema) {
        GrammarBuilder b = new GrammarBuilder();
        b.addSchema("root", schema);
        return b.toGbnf();
    }

    public static Grammar toGrammar(JsonNode schema) {
        GrammarBuilder b = new GrammarBuilder();
        b.addSchema("root", schema);
        return b.build("root");
    }

    /** {@link #toGrammar(JsonNode)} from schema text; bad JSON is a {@link GrammarException}. */
    public static Grammar toGrammar(String schemaJson) {
        return toGrammar(parse(schemaJson));
    }

    /** Any JSON object: OpenAI's {@code response_format: json_object} and Ollama's {@code format: "json"}. */
    public static Grammar anyObject() {
        return toGrammar(JSON.createObjectNode().put("type", "object"));
    }

    /** Any JSON value. */
    public static Grammar anyValue() {
        return toGrammar(JSON.createObjectNode());
    }

    static JsonNode parse(String schemaJson) {
        try {
            return JSON.readTree(schemaJson);
        } catch (JsonProcessingException e) {
            throw new GrammarException("the schema is not JSON: " + e.getOriginalMessage());
        }
    }
}
