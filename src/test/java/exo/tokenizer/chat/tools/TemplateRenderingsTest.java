package exo.tokenizer.chat.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import exo.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real templates in ../shared/models/chat-templates-all: each is told apart as its family,
 * and the assistant turn its jinja2 rendering wrote for the tool-call conversation (a
 * get_weather call for Paris in celsius) parses, whole and streamed at every split, into that
 * one call.
 */
class TemplateRenderingsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Rendering(String template, ToolCallFormat format, String start, String end, String id) {
        @Override
        public String toString() {
            return template;
        }
    }

    static Stream<Rendering> renderings() {
        String llamaStart = "<|start_header_id|>assistant<|end_header_id|>\n\n";
        String imStart = "<|im_start|>assistant\n";
        return Stream.of(
                new Rendering("meta-llama-Llama-3.1-8B-Instruct", ToolCallFormat.LLAMA_3_X, llamaStart, "<|eot_id|>", null),
                new Rendering("meta-llama-Llama-3.3-70B-Instruct", ToolCallFormat.LLAMA_3_X, llamaStart, "<|eot_id|>", null),
                new Rendering("Qwen-Qwen2.5-7B-Instruct", ToolCallFormat.HERMES, imStart, "<|im_end|>", null),
                new Rendering("Qwen-QwQ-32B", ToolCallFormat.HERMES, imStart, "<|im_end|>", null),
                new Rendering("NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use", ToolCallFormat.HERMES, imStart, "<|im_end|>", null),
                new Rendering("NousResearch-Hermes-3-Llama-3.1-8B-tool_use", ToolCallFormat.HERMES, imStart, "<|im_end|>", null),
                new Rendering("Bielik-11B-v3.0-Instruct", ToolCallFormat.HERMES, imStart, "<|im_end|>", null),
                new Rendering("MiMo-VL", ToolCallFormat.HERMES, imStart, "<|im_end|>", null),
                new Rendering("Reka-Edge", ToolCallFormat.HERMES, "<sep>assistant: ", "<sep>", null),
                new Rendering("ibm-granite-granite-4.0", ToolCallFormat.HERMES, "<|start_of_role|>assistant<|end_of_role|>",
                        "<|end_of_text|>", null),
                new Rendering("Qwen3-Coder", ToolCallFormat.QWEN3_CODER, imStart, "<|im_end|>", null),
                new Rendering("StepFun3.5-Flash", ToolCallFormat.QWEN3_CODER, imStart, "<|im_end|>", null),
                new Rendering("stepfun-ai-Step-3.5-Flash", ToolCallFormat.QWEN3_CODER, imStart, "<|im_end|>", null),
                new Rendering("mistralai-Mistral-Nemo-Instruct-2407", ToolCallFormat.MISTRAL_NEMO, "[/INST]", "</s>", "call12345"),
                new Rendering("unsloth-mistral-Devstral-Small-2507", ToolCallFormat.MISTRAL, "[/INST]", "</s>", null),
                new Rendering("mistralai-Ministral-3-14B-Reasoning-2512", ToolCallFormat.MISTRAL, "[/INST]", "</s>", null),
                new Rendering("deepseek-ai-DeepSeek-R1-Distill-Qwen-32B", ToolCallFormat.DEEPSEEK_R1, "<｜Assistant｜>",
                        "<｜end▁of▁sentence｜>", null),
                new Rendering("deepseek-ai-DeepSeek-V3.1", ToolCallFormat.DEEPSEEK_V3_1, "<｜Assistant｜>", "<｜end▁of▁sentence｜>", null),
                new Rendering("GLM-4.6", ToolCallFormat.GLM_4_5, "<|assistant|>", "<|observation|>", null),
                new Rendering("moonshotai-Kimi-K2", ToolCallFormat.KIMI_K2, "<|im_assistant|>assistant<|im_middle|>", "<|im_end|>",
                        "functions.get_weather:0"),
                new Rendering("meetkai-functionary-medium-v3.1", ToolCallFormat.FUNCTIONARY_V3_1, llamaStart, "<|eom_id|>", null),
                new Rendering("CohereForAI-c4ai-command-r7b-12-2024-tool_use", ToolCallFormat.COMMAND_R7B, "<|CHATBOT_TOKEN|>",
                        "<|END_OF_TURN_TOKEN|>", "0"));
    }

    private static String read(String relative) throws IOException {
        return Files.readString(TestModels.require("chat-templates-all/" + relative));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void templateIsToldApartAsItsFamily(Rendering r) throws IOException {
        assertEquals(r.format(), ToolCallFormat.detect(read(r.template() + ".jinja")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void renderedCallParsesWholeAndStreamed(Rendering r) throws IOException {
        String text = read("expected/" + r.template() + ".tool-result.txt");
        int question = text.indexOf("What is the weather in Paris?");
        int from = text.indexOf(r.start(), question) + r.start().length();
        String turn = text.substring(from, text.indexOf(r.end(), from));
        ToolCallSyntax syntax = ToolCallSyntax.of(r.format(), RecordedOutputs.TOOLS);
        ParsedMessage m = ToolCallParser.parse(syntax, turn, ToolCallIds.seeded(7));
        assertEquals("", m.content().strip(), "no content in " + turn);
        assertEquals(1, m.toolCalls().size(), () -> "one call in " + turn + ": " + m);
        ToolCall call = m.toolCalls().getFirst();
        assertEquals("get_weather", call.name());
        assertEquals(JSON.readTree("{\"city\": \"Paris\", \"unit\": \"celsius\"}"), JSON.readTree(call.arguments()));
        assertTrue(call.complete());
        if (r.id() != null) {
            assertEquals(r.id(), call.id());
        }
        RecordedOutputs.Case c = new RecordedOutputs.Case(r.template(), syntax, turn, m.content(), m.reasoning(), List.of());
        for (int i = 0; i <= turn.length(); i++) {
            ToolCallParserTest.check(c, m, List.of(turn.substring(0, i), turn.substring(i)));
            for (int j = i; j <= turn.length(); j += 3) {
                ToolCallParserTest.check(c, m, List.of(turn.substring(0, i), turn.substring(i, j), turn.substring(j)));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void templatesWithoutAKnownSyntaxFallBackToGeneric() throws IOException {
        Path dir = TestModels.dir().resolve("chat-templates-all");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir), dir + " is not here");
        for (String t : List.of("google-gemma-2-2b-it", "microsoft-Phi-3.5-mini-instruct", "llama-cpp-rwkv-world")) {
            assertEquals(ToolCallFormat.GENERIC, ToolCallFormat.detect(read(t + ".jinja")), t);
        }
        assertEquals(ToolCallFormat.GENERIC, ToolCallFormat.detect(null));
    }
}
