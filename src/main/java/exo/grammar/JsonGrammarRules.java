package exo.grammar;

import java.util.List;
import java.util.Map;

/**
 * The fixed rules a JSON-schema grammar draws on, as llama.cpp's {@code PRIMITIVE_RULES} and
 * {@code STRING_FORMAT_RULES} define them. Every value ends in {@code space}: at most one
 * space, or one or two newlines and up to 20 spaces or tabs of indentation, so a model cannot
 * pad forever.
 */
final class JsonGrammarRules {
    private JsonGrammarRules() {
    }

    record Rule(String body, List<String> deps) {
    }

    static final String SPACE = "| \" \" | \"\\n\"{1,2} [ \\t]{0,20}";

    static final Map<String, Rule> PRIMITIVES = Map.ofEntries(
            Map.entry("boolean", new Rule("(\"true\" | \"false\") space", List.of())),
            Map.entry("decimal-part", new Rule("[0-9]{1,16}", List.of())),
            Map.entry("integral-part", new Rule("[0] | [1-9] [0-9]{0,15}", List.of())),
            Map.entry("number", new Rule("(\"-\"? integral-part) (\".\" decimal-part)? ([eE] [-+]? integral-part)? space",
                    List.of("integral-part", "decimal-part"))),
            Map.entry("integer", new Rule("(\"-\"? integral-part) space", List.of("integral-part"))),
            Map.entry("value", new Rule("object | array | string | number | boolean | null",
                    List.of("object", "array", "string", "number", "boolean", "null"))),
            Map.entry("object", new Rule("\"{\" space ( string \":\" space value (\",\" space string \":\" space value)* )? \"}\" space",
                    List.of("string", "value"))),
            Map.entry("array", new Rule("\"[\" space ( value (\",\" space value)* )? \"]\" space", List.of("value"))),
            Map.entry("uuid", new Rule("\"\\\"\" [0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{12} \"\\\"\" space",
                    List.of())),
            // JSON's escapes, '\/' included; unlike llama.cpp, DEL (U+007F) may stand unescaped as JSON allows
            Map.entry("char", new Rule("[^\"\\\\\\x00-\\x1F] | [\\\\] ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})", List.of())),
            Map.entry("string", new Rule("\"\\\"\" char* \"\\\"\" space", List.of("char"))),
            Map.entry("null", new Rule("\"null\" space", List.of())));

    static final Map<String, Rule> STRING_FORMATS = Map.of(
            "date", new Rule("[0-9]{4} \"-\" ( \"0\" [1-9] | \"1\" [0-2] ) \"-\" ( \"0\" [1-9] | [1-2] [0-9] | \"3\" [0-1] )", List.of()),
            "time", new Rule("([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{3} )? ( \"Z\" | ( \"+\" | \"-\" ) ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] )", List.of()),
            "date-time", new Rule("date \"T\" time", List.of("date", "time")),
            "date-string", new Rule("\"\\\"\" date \"\\\"\" space", List.of("date")),
            "time-string", new Rule("\"\\\"\" time \"\\\"\" space", List.of("time")),
            "date-time-string", new Rule("\"\\\"\" date-time \"\\\"\" space", List.of("date-time")));

    static boolean isReserved(String name) {
        return name.equals("root") || PRIMITIVES.containsKey(name) || STRING_FORMATS.containsKey(name);
    }
}
