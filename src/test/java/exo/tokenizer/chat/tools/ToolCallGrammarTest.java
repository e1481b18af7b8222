package exo.tokenizer.chat.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import exo.gguf.GgufFile;
import exo.grammar.GrammarConstraint;
import exo.grammar.GrammarGenerator;
import exo.grammar.GrammarMatcher;
import exo.grammar.SchemaValidator;
import exo.grammar.TokenConstraint;
import exo.grammar.TokenVocabulary;
import exo.grammar.TriggeredConstraint;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The grammars that force tool calls: every sentence they allow (drawn at random) is read by
 * the family's own parser as calls to the offered tools, as many as allowed, whose arguments
 * fit the tool's schema; and a generation that picks random allowed tokens from a real
 * vocabulary ends in such a call, which is what a random-weight model would do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolCallGrammarTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Tools whose arguments are a finite language, so any walk through the grammar ends. */
    static final List<ToolDefinition> BOUNDED = tools("""
            [{"type": "function", "function": {"name": "get_time",
              "parameters": {"type": "object", "properties": {"zone": {"enum": ["UTC", "CET", "Asia/Tokyo"]}}, "required": ["zone"]}}},
             {"type": "function", "function": {"name": "set_alarm",
              "parameters": {"type": "object", "properties": {"hour": {"type": "integer", "minimum": 0, "maximum": 23},
                "minute": {"type": "integer", "minimum": 0, "maximum": 59}, "repeat": {"type": "boolean"}}, "required": ["hour"]}}}]
            """);

    /** Free strings, arrays and nesting, for the sampled sentences. */
    static final List<ToolDefinition> RICH = tools("""
            [{"type": "function", "function": {"name": "get_weather",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}, "days": {"type": "integer", "minimum": 1, "maximum": 14}},
               "required": ["city"]}}},
             {"type": "function", "function": {"name": "search",
              "parameters": {"type": "object", "properties": {"query": {"type": "string"},
                "filters": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "value": {"type": "number"}},
                  "required": ["field", "value"]}, "maxItems": 3}}, "required": ["query"]}}}]
            """);

    private static List<ToolDefinition> tools(String json) {
        try {
            return ToolDefinition.fromOpenAi(JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> formatsAndParallel() {
        return EnumSet.complementOf(EnumSet.of(ToolCallFormat.CONTENT_ONLY)).stream()
                .flatMap(f -> Stream.of(Arguments.of(f, false), Arguments.of(f, true)));
    }

    @ParameterizedTest(name = "{0} parallel={1}")
    @MethodSource("formatsAndParallel")
    void everySentenceIsACallToAnOfferedToolWithFittingArguments(ToolCallFormat format, boolean parallel) throws IOException {
        ToolCallSyntax syntax = ToolCallSyntax.of(format, RICH);
        ToolGrammar g = ToolCallGrammars.build(syntax, ToolChoice.REQUIRED, parallel).orElseThrow();
        assertFalse(g.lazy());
        var compiled = g.grammar().compile();
        GrammarGenerator generator = new GrammarGenerator(g.grammar(), format.ordinal() * 2L + (parallel ? 1 : 0), 10, 300);
        boolean sawSeveral = false;
        for (int i = 0; i < 150; i++) {
            String text = generator.next();
            GrammarMatcher m = new GrammarMatcher(compiled);
            assertTrue(m.advance(text) && m.isComplete(), text);
            ParsedMessage parsed = ToolCallParser.parse(syntax, text, ToolCallIds.seeded(i));
            assertEquals("", parsed.content().strip(), () -> "no content: " + text);
            assertFalse(parsed.toolCalls().isEmpty(), () -> "a call in " + text);
            if (!parallel) {
                assertEquals(1, parsed.toolCalls().size(), () -> "exactly one call in " + text);
            }
            sawSeveral |= parsed.toolCalls().size() > 1;
            for (ToolCall call : parsed.toolCalls()) {
                checkCall(RICH, call, text);
            }
        }
        if (parallel) {
            assertTrue(sawSeveral, "parallel calls do occur");
        }
    }

    static void checkCall(List<ToolDefinition> tools, ToolCall call, String text) throws IOException {
        ToolDefinition tool = tools.stream().filter(t -> t.name().equals(call.name())).findFirst()
                .orElseThrow(() -> new AssertionError("unknown tool " + call.name() + " in " + text));
        assertTrue(call.complete(), text);
        JsonNode args = JSON.readTree(call.arguments());
        assertNull(new SchemaValidator(tool.parameters()).check(args), () -> call.arguments() + " from " + text);
    }

    @ParameterizedTest
    @MethodSource("walkFormats")
    void autoIsLazyAndEachTriggerBeginsTheGrammar(ToolCallFormat format) {
        ToolGrammar g = ToolCallGrammars.build(ToolCallSyntax.of(format, RICH), ToolChoice.AUTO, true).orElseThrow();
        if (format == ToolCallFormat.GENERIC) {
            assertFalse(g.lazy(), "the generic JSON has no marker: a response is one of its alternatives");
            GrammarMatcher m = new GrammarMatcher(g.grammar());
            assertTrue(m.advance("{\"response\": \"hi\"}") && m.isComplete());
            return;
        }
        assertTrue(g.lazy());
        assertFalse(g.triggers().isEmpty());
        for (String trigger : g.triggers()) {
            assertTrue(new GrammarMatcher(g.grammar()).accepts(trigger), trigger);
        }
    }

    @Test
    void aNamedFunctionIsTheOnlyOneCalled() throws IOException {
        ToolCallSyntax syntax = ToolCallSyntax.of(ToolCallFormat.HERMES, RICH);
        ToolGrammar g = ToolCallGrammars.build(syntax, new ToolChoice.Named("search"), true).orElseThrow();
        GrammarGenerator generator = new GrammarGenerator(g.grammar(), 5, 10, 300);
        for (int i = 0; i < 50; i++) {
            for (ToolCall c : ToolCallParser.parse(syntax, generator.next(), ToolCallIds.seeded(i)).toolCalls()) {
                assertEquals("search", c.name());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ToolCallGrammars.build(syntax, new ToolChoice.Named("nope"), true));
    }

    @Test
    void noneOrNoToolsMeansNoGrammar() {
        assertTrue(ToolCallGrammars.build(ToolCallSyntax.of(ToolCallFormat.HERMES, RICH), ToolChoice.NONE, true).isEmpty());
        assertTrue(ToolCallGrammars.build(ToolCallSyntax.of(ToolCallFormat.HERMES, List.of()), ToolChoice.REQUIRED, true).isEmpty());
    }

    @Test
    void reasoningMayComeFirstAndMustWhenThePromptOpenedIt() {
        ToolCallSyntax syntax = ToolCallSyntax.of(ToolCallFormat.HERMES, BOUNDED);
        String call = "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"zone\": \"UTC\"}}</tool_call>";
        var optional = ToolCallGrammars.build(syntax, ToolChoice.REQUIRED, false).orElseThrow().grammar().compile();
        for (String ok : List.of(call, "<think>which zone? <b>UTC</b></think>\n" + call)) {
            GrammarMatcher m = new GrammarMatcher(optional);
            assertTrue(m.advance(ok) && m.isComplete(), ok);
        }
        var forced = ToolCallGrammars.build(syntax.startingInReasoning(true), ToolChoice.REQUIRED, false).orElseThrow().grammar().compile();
        GrammarMatcher m = new GrammarMatcher(forced);
        assertTrue(m.advance("thinking... </think>" + call) && m.isComplete());
        assertFalse(new GrammarMatcher(forced).advance("thinking </think> stray text"));
    }

    @Test
    void xmlFamiliesWriteStringsBareAndOtherValuesAsJson() {
        ToolCallSyntax syntax = ToolCallSyntax.of(ToolCallFormat.QWEN3_CODER, RICH).withoutReasoning();
        var g = ToolCallGrammars.build(syntax, ToolChoice.REQUIRED, false).orElseThrow().grammar().compile();
        String ok = "<tool_call>\n<function=get_weather>\n<parameter=city>\nSão Paulo </param> <parameter\n</parameter>\n"
                + "<parameter=unit>\ncelsius\n</parameter>\n<parameter=days>\n3\n</parameter>\n</function>\n</tool_call>";
        GrammarMatcher m = new GrammarMatcher(g);
        assertTrue(m.advance(ok) && m.isComplete());
        ParsedMessage p = ToolCallParser.parse(syntax, ok, ToolCallIds.seeded(1));
        assertEquals("{\"city\": \"São Paulo </param> <parameter\", \"unit\": \"celsius\", \"days\": 3}", p.toolCalls().getFirst().arguments());
        assertFalse(new GrammarMatcher(g).advance("<tool_call>\n<function=get_weather>\n<parameter=unit>\n"), "city is required first");
        assertFalse(new GrammarMatcher(g).advance("<tool_call>\n<function=get_weather>\n<parameter=city>\nX\n</parameter>\n<parameter=days>\nthree"));
    }

    private Tokenizer deepseek;
    private TokenVocabulary deepseekVocab;

    private TokenVocabulary vocab() throws IOException {
        if (deepseek == null) {
            deepseek = Tokenizers.fromMetadata(GgufFile.readHeader(TestModels.require("llama.cpp-vocab/ggml-vocab-deepseek-llm.gguf")).metadata());
            deepseekVocab = TokenVocabulary.of(deepseek);
        }
        return deepseekVocab;
    }

    static Stream<ToolCallFormat> walkFormats() {
        return EnumSet.complementOf(EnumSet.of(ToolCallFormat.CONTENT_ONLY)).stream();
    }

    @ParameterizedTest
    @MethodSource("walkFormats")
    void randomAllowedTokensFromARealVocabularyEndInAValidCall(ToolCallFormat format) throws IOException {
        TokenVocabulary v = vocab();
        ToolCallSyntax syntax = ToolCallSyntax.of(format, BOUNDED).withoutReasoning();
        ToolGrammar g = ToolCallGrammars.build(syntax, ToolChoice.REQUIRED, true).orElseThrow();
        for (long seed = 1; seed <= 2; seed++) {
            SplittableRandom random = new SplittableRandom(seed * 31 + format.ordinal());
            TokenConstraint c = g.constraint(v);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int steps = 0;
            while (true) {
                assertTrue(steps++ < 3000, () -> "no end: " + out.toString(StandardCharsets.UTF_8));
                BitSet allowed = ((GrammarConstraint) c).allowedTokens();
                assertFalse(allowed.isEmpty(), () -> "dead end after " + out.toString(StandardCharsets.UTF_8));
                int[] ids = allowed.stream().toArray();
                int token = ids[random.nextInt(ids.length)];
                if (v.isEndOfGeneration(token)) {
                    break;
                }
                c.accept(token);
                out.writeBytes(v.bytes(token));
                if (c.mustEnd()) {
                    break;
                }
            }
            assertTrue(c.isComplete());
            String text = out.toString(StandardCharsets.UTF_8);
            ParsedMessage parsed = ToolCallParser.parse(syntax, text, ToolCallIds.seeded(seed));
            assertEquals("", parsed.content().strip(), text);
            assertFalse(parsed.toolCalls().isEmpty(), text);
            for (ToolCall call : parsed.toolCalls()) {
                checkCall(BOUNDED, call, text);
            }
        }
    }

    @Test
    void autoChoiceIsFreeUntilTheMarkerThenForcesACall() throws IOException {
        TokenVocabulary v = vocab();
        ToolCallSyntax syntax = ToolCallSyntax.of(ToolCallFormat.HERMES, BOUNDED);
        ToolGrammar g = ToolCallGrammars.build(syntax, ToolChoice.AUTO, false).orElseThrow();
        assertTrue(g.lazy());
        assertEquals(List.of("<tool_call>"), g.triggers());
        TriggeredConstraint c = (TriggeredConstraint) g.constraint(v);
        int[] free = deepseek.encode("Let me look that up, {\"x\": 1} <b>", false, false);
        for (int t : free) {
            assertTrue(c.allows(t));
            c.accept(t);
        }
        assertTrue(c.isComplete(), "free text may end at any point");
        assertFalse(c.triggered());
        // the marker arrives split over tokens, with text after it in the same token
        for (int t : deepseek.encode("<tool_call>\n{\"name\"", false, false)) {
            c.accept(t);
        }
        assertTrue(c.triggered());
        assertFalse(c.isComplete());
        assertFalse(c.allows(deepseek.encode(" oops", false, false)[0]));
        for (int t : deepseek.encode(": \"get_time\", \"arguments\": {\"zone\": \"CET\"}}\n</tool_call>", false, false)) {
            assertTrue(c.allows(t));
            c.accept(t);
        }
        assertTrue(c.isComplete());
    }
}
