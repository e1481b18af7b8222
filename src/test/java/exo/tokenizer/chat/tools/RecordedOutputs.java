package exo.tokenizer.chat.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Model outputs for each family, written after how the real templates
 * ({@code ../shared/models/chat-templates-all}) render assistant tool calls, with what each must
 * parse into. Ids null mean "made up by the parser".
 */
final class RecordedOutputs {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Expected(String id, String name, String arguments, boolean complete) {
    }

    record Case(String label, ToolCallSyntax syntax, String output, String content, String reasoning, List<Expected> calls) {
        @Override
        public String toString() {
            return label;
        }
    }

    static final List<ToolDefinition> TOOLS = tools();

    private RecordedOutputs() {
    }

    private static List<ToolDefinition> tools() {
        try {
            return ToolDefinition.fromOpenAi(JSON.readTree("""
                    [{"type": "function", "function": {"name": "get_weather", "description": "Current weather",
                      "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}, "days": {"type": "integer"},
                        "zip": {"type": "string"}}, "required": ["city"]}}},
                     {"type": "function", "function": {"name": "get_time",
                      "parameters": {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]}}},
                     {"type": "function", "function": {"name": "run_code",
                      "parameters": {"type": "object", "properties": {"code": {"type": "string"}, "args": {"type": "array"}}}}}]
                    """));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Expected call(String name, String args) {
        return new Expected(null, name, args, true);
    }

    private static Expected call(String id, String name, String args) {
        return new Expected(id, name, args, true);
    }

    private static ToolCallSyntax syntax(ToolCallFormat f) {
        return ToolCallSyntax.of(f, TOOLS);
    }

    static List<Case> all() {
        List<Case> c = new ArrayList<>();
        String weather = "{\"city\": \"Paris\", \"unit\": \"celsius\"}";

        // Hermes 2/3, Qwen 2.5, QwQ, Qwen3
        c.add(new Case("hermes: template call", syntax(ToolCallFormat.HERMES),
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": " + weather + "}\n</tool_call>",
                "", "", List.of(call("get_weather", weather))));
        c.add(new Case("hermes: thinking, text, two calls", syntax(ToolCallFormat.HERMES),
                "<think>\nThe user wants the weather.\n</think>\n\nLet me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
                        + weather + "}\n</tool_call>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"zone\": \"Europe/Paris\"}}\n</tool_call>",
                "Let me check.\n", "The user wants the weather.",
                List.of(call("get_weather", weather), call("get_time", "{\"zone\": \"Europe/Paris\"}"))));
        c.add(new Case("hermes: unicode and escapes in arguments", syntax(ToolCallFormat.HERMES),
                "<tool_call>\n{\"name\": \"run_code\", \"arguments\": {\"code\": \"print(\\\"日本 é 😀\\\")\\n\\tx = '\\\\u0041'\", \"args\": [1, -2.5e3, null]}}\n</tool_call>",
                "", "", List.of(call("run_code", "{\"code\": \"print(\\\"日本 é 😀\\\")\\n\\tx = '\\\\u0041'\", \"args\": [1, -2.5e3, null]}"))));
        c.add(new Case("hermes: text with angle brackets, no call", syntax(ToolCallFormat.HERMES),
                "Use a < b, <b>bold</b> and <tool tags> freely; <tool_callx> is not a call.",
                "Use a < b, <b>bold</b> and <tool tags> freely; <tool_callx> is not a call.", "", List.of()));
        c.add(new Case("hermes: arguments before name, as a string", syntax(ToolCallFormat.HERMES),
                "<tool_call>{\"arguments\": \"{\\\"zone\\\": \\\"UTC\\\"}\", \"name\": \"get_time\"}</tool_call> done",
                "done", "", List.of(call("get_time", "{\"zone\": \"UTC\"}"))));
        c.add(new Case("hermes: function tag form", syntax(ToolCallFormat.HERMES),
                "<function=get_weather>{\"city\": \"Paris\"}</function>", "", "", List.of(call("get_weather", "{\"city\": \"Paris\"}"))));
        c.add(new Case("hermes: not a call inside the tags", syntax(ToolCallFormat.HERMES),
                "<tool_call>{\"foo\": 1}</tool_call>", "<tool_call>{\"foo\": 1}</tool_call>", "", List.of()));
        c.add(new Case("hermes: cut off inside the arguments", syntax(ToolCallFormat.HERMES),
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Pa", "", "",
                List.of(new Expected(null, "get_weather", "{\"city\": \"Pa", false))));
        c.add(new Case("hermes: thinking forced open by the prompt", syntax(ToolCallFormat.HERMES).startingInReasoning(true),
                "Just reasoning here </think>Answer.", "Answer.", "Just reasoning here", List.of()));

        // Llama 3.x
        c.add(new Case("llama 3: template call", syntax(ToolCallFormat.LLAMA_3_X),
                "{\"name\": \"get_weather\", \"parameters\": " + weather + "}", "", "", List.of(call("get_weather", weather))));
        c.add(new Case("llama 3: type function first, then another", syntax(ToolCallFormat.LLAMA_3_X),
                " {\"type\": \"function\", \"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}; {\"name\": \"get_time\", \"parameters\": {\"zone\": \"CET\"}}",
                "", "", List.of(call("get_weather", "{\"city\": \"Paris\"}"), call("get_time", "{\"zone\": \"CET\"}"))));
        c.add(new Case("llama 3: builtin call", syntax(ToolCallFormat.LLAMA_3_X),
                "<|python_tag|>brave_search.call(query=\"weather in Paris\", count=3)", "", "",
                List.of(call("brave_search", "{\"query\": \"weather in Paris\", \"count\": 3}"))));
        c.add(new Case("llama 3: raw python", syntax(ToolCallFormat.LLAMA_3_X),
                "<|python_tag|>import math\nprint(math.pi)", "", "", List.of(call("python", "{\"code\": \"import math\\nprint(math.pi)\"}"))));
        c.add(new Case("llama 3: JSON that is not a call", syntax(ToolCallFormat.LLAMA_3_X),
                "{\"answer\": 42} is the JSON.", "{\"answer\": 42} is the JSON.", "", List.of()));
        c.add(new Case("llama 3: plain text", syntax(ToolCallFormat.LLAMA_3_X),
                "Hello! {braces} and a python tag <|python_ta", "Hello! {braces} and a python tag <|python_ta", "", List.of()));

        // Qwen3-Coder
        c.add(new Case("qwen3-coder: template call with typed values", syntax(ToolCallFormat.QWEN3_CODER),
                "I'll check.\n<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n<parameter=days>\n3\n</parameter>\n"
                        + "<parameter=zip>\n75001\n</parameter>\n</function>\n</tool_call>",
                "I'll check.\n", "", List.of(call("get_weather", "{\"city\": \"Paris\", \"days\": 3, \"zip\": \"75001\"}"))));
        c.add(new Case("qwen3-coder: code keeps its indentation", syntax(ToolCallFormat.QWEN3_CODER),
                "<tool_call>\n<function=run_code>\n<parameter=code>\ndef f():\n    return \"x\"\n</parameter>\n<parameter=args>\n[1, 2]\n</parameter>\n</function>\n</tool_call>",
                "", "", List.of(call("run_code", "{\"code\": \"def f():\\n    return \\\"x\\\"\", \"args\": [1,2]}"))));

        // Mistral
        c.add(new Case("mistral nemo: template call with id", syntax(ToolCallFormat.MISTRAL_NEMO),
                "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": " + weather + ", \"id\": \"call12345\"}]", "", "",
                List.of(call("call12345", "get_weather", weather))));
        c.add(new Case("mistral nemo: two calls, no ids", syntax(ToolCallFormat.MISTRAL_NEMO),
                "[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}, {\"name\": \"get_time\", \"arguments\": {\"zone\": \"CET\"}}]",
                "", "", List.of(call("get_weather", "{\"city\": \"Paris\"}"), call("get_time", "{\"zone\": \"CET\"}"))));
        c.add(new Case("mistral: name[ARGS] form with thinking", syntax(ToolCallFormat.MISTRAL),
                "[THINK]Weather and time.[/THINK]Sure.[TOOL_CALLS]get_weather[ARGS]" + weather + "[TOOL_CALLS]get_time[ARGS]{\"zone\": \"CET\"}",
                "Sure.", "Weather and time.", List.of(call("get_weather", weather), call("get_time", "{\"zone\": \"CET\"}"))));
        c.add(new Case("mistral: call id", syntax(ToolCallFormat.MISTRAL),
                "[TOOL_CALLS]get_time[CALL_ID]a1b2c3d4e[ARGS]{\"zone\": \"UTC\"}", "", "",
                List.of(call("a1b2c3d4e", "get_time", "{\"zone\": \"UTC\"}"))));

        // DeepSeek
        c.add(new Case("deepseek r1: thinking and two calls", syntax(ToolCallFormat.DEEPSEEK_R1),
                "<think>\nNeed weather, then time.\n</think>\n\n<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n"
                        + weather + "\n```<｜tool▁call▁end｜>\n<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_time\n```json\n{\"zone\": \"CET\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
                "", "Need weather, then time.", List.of(call("get_weather", weather), call("get_time", "{\"zone\": \"CET\"}"))));
        c.add(new Case("deepseek v3.1: template call", syntax(ToolCallFormat.DEEPSEEK_V3_1),
                "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>" + weather + "<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
                "", "", List.of(call("get_weather", weather))));
        c.add(new Case("deepseek v3.1: thinking forced open, text, call", syntax(ToolCallFormat.DEEPSEEK_V3_1).startingInReasoning(true),
                "weighing options</think>Checking.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_time<｜tool▁sep｜>{\"zone\": \"UTC\"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
                "Checking.", "weighing options", List.of(call("get_time", "{\"zone\": \"UTC\"}"))));

        // GLM 4.5/4.6
        c.add(new Case("glm: template call after empty thinking", syntax(ToolCallFormat.GLM_4_5),
                "\n<think></think>\n<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n<arg_key>unit</arg_key>\n<arg_value>celsius</arg_value>\n</tool_call>",
                "", "", List.of(call("get_weather", weather))));
        c.add(new Case("glm: typed values and text", syntax(ToolCallFormat.GLM_4_5),
                "<think>cold?</think>Looking.\n<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>São Paulo</arg_value>\n<arg_key>days</arg_key>\n<arg_value>3</arg_value>\n</tool_call>",
                "Looking.\n", "cold?", List.of(call("get_weather", "{\"city\": \"São Paulo\", \"days\": 3}"))));

        // Kimi K2
        c.add(new Case("kimi k2: template call", syntax(ToolCallFormat.KIMI_K2),
                "<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>" + weather
                        + "<|tool_call_end|><|tool_calls_section_end|>",
                "", "", List.of(call("functions.get_weather:0", "get_weather", weather))));
        c.add(new Case("kimi k2: text and two calls", syntax(ToolCallFormat.KIMI_K2),
                "Checking both.<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{\"city\": \"Paris\"}<|tool_call_end|>"
                        + "<|tool_call_begin|>functions.get_time:1<|tool_call_argument_begin|>{\"zone\": \"CET\"}<|tool_call_end|><|tool_calls_section_end|>",
                "Checking both.", "", List.of(call("functions.get_weather:0", "get_weather", "{\"city\": \"Paris\"}"),
                        call("functions.get_time:1", "get_time", "{\"zone\": \"CET\"}"))));

        // Functionary
        c.add(new Case("functionary v3.1: template call", syntax(ToolCallFormat.FUNCTIONARY_V3_1),
                "<function=get_weather>" + weather + "</function>", "", "", List.of(call("get_weather", weather))));
        c.add(new Case("functionary v3.1: python tag", syntax(ToolCallFormat.FUNCTIONARY_V3_1),
                "Running it.<|python_tag|>x = 1\nprint(x)", "Running it.", "", List.of(call("python", "{\"code\": \"x = 1\\nprint(x)\"}"))));
        c.add(new Case("functionary v3.2: text, call, python", syntax(ToolCallFormat.FUNCTIONARY_V3_2),
                "all\nLet me check.\n>>>get_weather\n{\"city\": \"Paris\"}\n>>>python\nprint(1)", "Let me check.\n", "",
                List.of(call("get_weather", "{\"city\": \"Paris\"}"), call("python", "{\"code\": \"print(1)\"}"))));
        c.add(new Case("functionary v3.2: only text", syntax(ToolCallFormat.FUNCTIONARY_V3_2),
                "all\nIt is sunny >> today.", "It is sunny >> today.", "", List.of()));

        // Command R7B
        c.add(new Case("command r7b: template call", syntax(ToolCallFormat.COMMAND_R7B),
                "<|START_THINKING|>I should call it.<|END_THINKING|><|START_ACTION|>[\n    {\"tool_call_id\": \"0\", \"tool_name\": \"get_weather\", \"parameters\": "
                        + weather + "}\n]<|END_ACTION|>",
                "", "I should call it.", List.of(call("0", "get_weather", weather))));
        c.add(new Case("command r7b: response", syntax(ToolCallFormat.COMMAND_R7B),
                "<|START_THINKING|><|END_THINKING|><|START_RESPONSE|>It is sunny.<|END_RESPONSE|>", "It is sunny.", "", List.of()));

        // Generic
        c.add(new Case("generic: tool_calls", syntax(ToolCallFormat.GENERIC),
                "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}, \"id\": \"c1\"}]}", "", "",
                List.of(call("c1", "get_weather", "{\"city\": \"Paris\"}"))));
        c.add(new Case("generic: tool_call", syntax(ToolCallFormat.GENERIC),
                "{\"tool_call\": {\"name\": \"get_time\", \"arguments\": {\"zone\": \"UTC\"}}}", "", "", List.of(call("get_time", "{\"zone\": \"UTC\"}"))));
        c.add(new Case("generic: response with escapes", syntax(ToolCallFormat.GENERIC),
                "{\"response\": \"Hello \\\"world\\\" \\u00e9\\ud83d\\ude00 \\\\ done\"}", "Hello \"world\" é😀 \\ done", "", List.of()));
        c.add(new Case("generic: plain text", syntax(ToolCallFormat.GENERIC), "Just text.", "Just text.", "", List.of()));

        // Content only
        c.add(new Case("content only: thinking and text", syntax(ToolCallFormat.CONTENT_ONLY),
                "<think>\n  a plan  \n</think>\n\nThe answer.", "The answer.", "a plan", List.of()));
        return c;
    }
}
