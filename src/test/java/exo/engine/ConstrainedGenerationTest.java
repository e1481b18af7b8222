package exo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import exo.engine.java.JavaEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.sampling.Sampler;
import exo.engine.sampling.SamplingParams;
import exo.grammar.Grammar;
import exo.grammar.GrammarConstraint;
import exo.grammar.JsonSchemaGrammar;
import exo.grammar.TokenVocabulary;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Generation under a grammar on stories260K, a model that knows nothing of JSON: the answer is
 * still a sentence of the grammar, and generation ends as soon as the grammar can go no further.
 */
class ConstrainedGenerationTest {

    private static String generate(GrammarConstraint constraint, SamplingParams params) throws Exception {
        Path model = TestModels.stories260K();
        Tokenizer tokenizer = Tokenizers.fromMetadata(exo.gguf.GgufFile.readHeader(model).metadata());
        StringBuilder out = new StringBuilder();
        try (WorkerPool pool = new WorkerPool(1); JavaEngine engine = JavaEngine.open(model, 0, -1, pool, 512)) {
            GenerationStats stats = new Generator(engine, tokenizer, "s").generate(
                    tokenizer.encode("Once upon a time", true, false), 300,
                    new Sampler(params).withConstraint(constraint), (id, text) -> out.append(text), () -> false);
            assertEquals(FinishReason.STOP, stats.finishReason(), out.toString());
        }
        return out.toString();
    }

    private static TokenVocabulary vocabulary() throws Exception {
        return TokenVocabulary.of(Tokenizers.fromMetadata(exo.gguf.GgufFile.readHeader(TestModels.stories260K())
                .metadata()));
    }

    @Test
    void aGbnfGrammarLeavesOnlyItsSentences() throws Exception {
        var grammar = Grammar.parse("root ::= (\"yes\" | \"no\") \" because \" [a-z ]{3,20} \".\"").compile();
        for (long seed = 1; seed <= 3; seed++) {
            String text = generate(new GrammarConstraint(grammar, vocabulary()),
                    new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 64, seed));
            assertTrue(text.matches("(yes|no) because [a-z ]{3,20}\\."), text);
        }
    }

    @Test
    void aJsonSchemaGivesAnObjectThatFitsIt() throws Exception {
        JsonNode schema = new ObjectMapper().readTree("""
                {"type": "object", "properties": {"name": {"type": "string", "maxLength": 12},
                 "age": {"type": "integer"}}, "required": ["name", "age"], "additionalProperties": false}""");
        String text = generate(new GrammarConstraint(JsonSchemaGrammar.toGrammar(schema).compile(), vocabulary()),
                SamplingParams.GREEDY);
        JsonNode value = new ObjectMapper().readTree(text);
        assertTrue(value.get("name").isTextual() && value.get("name").asText().length() <= 12, text);
        assertTrue(value.get("age").isIntegralNumber(), text);
        assertEquals(2, value.size(), text);
    }
}
