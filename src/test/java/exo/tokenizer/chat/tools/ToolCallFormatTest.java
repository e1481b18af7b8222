package exo.tokenizer.chat.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import exo.gguf.GgufArray;
import exo.gguf.GgufMetadata;
import exo.gguf.GgufValue;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Telling the family by the vocabulary when the template says nothing; the request-side types. */
class ToolCallFormatTest {
    private static Tokenizer vocabularyWith(String... extra) {
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("tokenizer.ggml.model", GgufValue.ofString("gpt2"));
        kv.put("tokenizer.ggml.pre", GgufValue.ofString("gpt-2"));
        String[] tokens = new String[3 + extra.length];
        tokens[0] = "a";
        tokens[1] = "b";
        tokens[2] = "<|endoftext|>";
        System.arraycopy(extra, 0, tokens, 3, extra.length);
        kv.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings(tokens)));
        kv.put("tokenizer.ggml.merges", GgufValue.ofArray(GgufArray.ofStrings("a b")));
        kv.put("tokenizer.ggml.eos_token_id", GgufValue.ofUInt32(2));
        return Tokenizers.fromMetadata(new GgufMetadata(kv));
    }

    @Test
    void theVocabularysToolTokensTellTheFamilyWhenTheTemplateDoesNot() {
        assertEquals(ToolCallFormat.HERMES, ToolCallFormat.detect(null, vocabularyWith("<tool_call>", "</tool_call>")));
        assertEquals(ToolCallFormat.MISTRAL, ToolCallFormat.detect("", vocabularyWith("[TOOL_CALLS]", "[ARGS]")));
        assertEquals(ToolCallFormat.MISTRAL_NEMO, ToolCallFormat.detect("", vocabularyWith("[TOOL_CALLS]")));
        assertEquals(ToolCallFormat.KIMI_K2, ToolCallFormat.detect("{{ messages }}", vocabularyWith("<|tool_calls_section_begin|>")));
        assertEquals(ToolCallFormat.DEEPSEEK_R1, ToolCallFormat.detect(null, vocabularyWith("<｜tool▁calls▁begin｜>")));
        assertEquals(ToolCallFormat.LLAMA_3_X, ToolCallFormat.detect(null, vocabularyWith("<|python_tag|>")));
        assertEquals(ToolCallFormat.GENERIC, ToolCallFormat.detect(null, vocabularyWith()));
        // the template, when it says, wins
        assertEquals(ToolCallFormat.HERMES, ToolCallFormat.detect("{{ '<tool_call>' }}", vocabularyWith("[TOOL_CALLS]")));
    }

    @Test
    void aPromptEndingInTheThinkTagStartsTheOutputInReasoning() {
        ToolCallSyntax s = ToolCallSyntax.of(ToolCallFormat.DEEPSEEK_R1, List.of());
        assertTrue(s.promptOpensReasoning("<｜User｜>hi<｜Assistant｜><think>\n"));
        assertFalse(s.promptOpensReasoning("<｜User｜>hi<｜Assistant｜><think></think>"));
        assertFalse(ToolCallSyntax.of(ToolCallFormat.MISTRAL_NEMO, List.of()).promptOpensReasoning("[INST]x[/INST]<think>"));
        assertThrows(IllegalArgumentException.class,
                () -> new ToolCallSyntax(ToolCallFormat.HERMES, List.of(), null, null, true));
    }

    @Test
    void toolsFromOpenAiAndAnthropic() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<ToolDefinition> openAi = ToolDefinition.fromOpenAi(json.readTree("""
                [{"type": "function", "function": {"name": "f", "description": "d", "parameters": {"type": "object",
                  "properties": {"x": {"type": "integer"}}}}},
                 {"type": "code_interpreter"},
                 {"type": "function", "function": {"name": "g"}}]"""));
        assertEquals(2, openAi.size());
        assertEquals("integer", openAi.get(0).propertyType("x"));
        assertEquals("object", openAi.get(1).parameters().get("type").asText(), "no parameters: an empty object");
        List<ToolDefinition> anthropic = ToolDefinition.fromAnthropic(json.readTree("""
                [{"name": "h", "input_schema": {"type": "object", "properties": {"u": {"enum": ["a", "b"]}}}}]"""));
        assertEquals("h", anthropic.getFirst().name());
        assertEquals("string", anthropic.getFirst().propertyType("u"), "an enum of strings is a string");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ToolDefinition.fromOpenAi(json.readTree("[{\"type\": \"function\", \"function\": {}}]")));
        assertEquals("a tool function has no name", e.getMessage());
    }

    @Test
    void idsLookLikeOpenAisAndRepeatForASeed() {
        String a = ToolCallIds.seeded(5).get();
        assertTrue(a.matches("call_[A-Za-z0-9]{24}"), a);
        assertEquals(a, ToolCallIds.seeded(5).get());
        ToolCallIds random = ToolCallIds.random();
        assertFalse(random.get().equals(random.get()));
    }
}
