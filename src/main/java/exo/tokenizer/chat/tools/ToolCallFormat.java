package exo.tokenizer.chat.tools;

import exo.tokenizer.Tokenizer;
import java.util.List;

/**
 * The tool-call syntaxes of the model families, as llama.cpp's {@code common/chat.cpp} tells
 * them apart, each with the think tags it writes its reasoning in (null when it has none).
 */
public enum ToolCallFormat {
    /** No tool calls: the output is content (after any reasoning). */
    CONTENT_ONLY("<think>", "</think>"),
    /** llama.cpp's fallback for templates with no syntax of their own: one JSON object, see {@link GenericParser}. */
    GENERIC(null, null),
    /** Llama 3.1/3.2/3.3: {@code {"name": ..., "parameters": ...}}, and {@code <|python_tag|>} built-ins. */
    LLAMA_3_X("<think>", "</think>"),
    /** Hermes 2/3, Qwen 2.5, QwQ, Qwen3: {@code <tool_call>{"name": ..., "arguments": ...}</tool_call>}. */
    HERMES("<think>", "</think>"),
    /** Qwen3-Coder: {@code <tool_call><function=NAME><parameter=K>V</parameter></function></tool_call>}. */
    QWEN3_CODER("<think>", "</think>"),
    /** Mistral Nemo: {@code [TOOL_CALLS][{"name": ..., "arguments": ..., "id": ...}]}. */
    MISTRAL_NEMO(null, null),
    /** Devstral, Magistral, Ministral 3: {@code [TOOL_CALLS]NAME[ARGS]{...}}, reasoning in {@code [THINK]}. */
    MISTRAL("[THINK]", "[/THINK]"),
    /** DeepSeek R1 and its distills: {@code function<｜tool▁sep｜>NAME\n```json\n{...}\n```}. */
    DEEPSEEK_R1("<think>", "</think>"),
    /** DeepSeek V3.1: {@code <｜tool▁call▁begin｜>NAME<｜tool▁sep｜>{...}<｜tool▁call▁end｜>}. */
    DEEPSEEK_V3_1("<think>", "</think>"),
    /** GLM 4.5/4.6: {@code <tool_call>NAME\n<arg_key>K</arg_key>\n<arg_value>V</arg_value></tool_call>}. */
    GLM_4_5("<think>", "</think>"),
    /** Kimi K2: {@code <|tool_call_begin|>functions.NAME:0<|tool_call_argument_begin|>{...}<|tool_call_end|>}. */
    KIMI_K2("<think>", "</think>"),
    /** Functionary v3.1 (Llama 3.1): {@code <function=NAME>{...}</function>}. */
    FUNCTIONARY_V3_1(null, null),
    /** Functionary v3.2: {@code >>>NAME\n{...}} segments, {@code >>>all\n} for text. */
    FUNCTIONARY_V3_2(null, null),
    /** Command R7B: {@code <|START_ACTION|>[{"tool_call_id", "tool_name", "parameters"}]<|END_ACTION|>}. */
    COMMAND_R7B("<|START_THINKING|>", "<|END_THINKING|>");

    private final String thinkStart;
    private final String thinkEnd;

    ToolCallFormat(String thinkStart, String thinkEnd) {
        this.thinkStart = thinkStart;
        this.thinkEnd = thinkEnd;
    }

    /** The tag that opens reasoning, or null. */
    public String thinkStart() {
        return thinkStart;
    }

    public String thinkEnd() {
        return thinkEnd;
    }

    /**
     * The family of a chat template (the Jinja source, as GGUF's {@code tokenizer.chat_template}
     * holds it), by the markers it writes, in llama.cpp's order; GENERIC when none is there.
     */
    public static ToolCallFormat detect(String template) {
        String src = template == null ? "" : template;
        if (src.contains("<｜tool▁calls▁begin｜>")) {
            return src.contains("```json") ? DEEPSEEK_R1 : DEEPSEEK_V3_1;
        }
        if (src.contains("<|END_THINKING|><|START_ACTION|>")) {
            return COMMAND_R7B;
        }
        if (src.contains("<arg_key>") && src.contains("<tool_call>")) {
            return GLM_4_5;
        }
        if (src.contains("<|tool_calls_section_begin|>")) {
            return KIMI_K2;
        }
        if (src.contains("<tool_call>") && src.contains("<function=") && src.contains("<parameter=")) {
            return QWEN3_CODER;
        }
        if (src.contains("<tool_call>")) {
            return HERMES;
        }
        if (src.contains("[TOOL_CALLS]")) {
            return src.contains("[ARGS]") ? MISTRAL : MISTRAL_NEMO;
        }
        if (src.contains(">>>all")) {
            return FUNCTIONARY_V3_2;
        }
        if (src.contains("<|start_header_id|>") && src.contains("<function=")) {
            return FUNCTIONARY_V3_1;
        }
        if (src.contains("<|start_header_id|>ipython<|end_header_id|>")) {
            return LLAMA_3_X;
        }
        return GENERIC;
    }

    /**
     * As {@link #detect(String)}, and when the template says nothing (none, or no tool
     * markers), by the vocabulary's own tool tokens.
     */
    public static ToolCallFormat detect(String template, Tokenizer vocabulary) {
        ToolCallFormat byTemplate = detect(template);
        if (byTemplate != GENERIC || vocabulary == null) {
            return byTemplate;
        }
        record Hint(String token, ToolCallFormat format) {
        }
        for (Hint h : List.of(new Hint("<｜tool▁calls▁begin｜>", DEEPSEEK_R1), new Hint("<|tool_calls_section_begin|>", KIMI_K2),
                new Hint("<arg_key>", GLM_4_5), new Hint("<tool_call>", HERMES), new Hint("[ARGS]", MISTRAL),
                new Hint("[TOOL_CALLS]", MISTRAL_NEMO), new Hint("<|START_ACTION|>", COMMAND_R7B),
                new Hint("<|python_tag|>", LLAMA_3_X))) {
            if (vocabulary.tokenId(h.token()) >= 0) {
                return h.format();
            }
        }
        return GENERIC;
    }

    /**
     * The markers this family writes around its calls, which a vocabulary may hold as control
     * tokens: generated text shows them (they are not dropped as control tokens usually are),
     * as llama.cpp's {@code preserved_tokens}.
     */
    public List<String> markers() {
        return switch (this) {
            case CONTENT_ONLY, GENERIC, FUNCTIONARY_V3_2 -> List.of();
            case LLAMA_3_X -> List.of(Llama3Parser.PYTHON_TAG);
            case HERMES, QWEN3_CODER -> List.of(HermesParser.OPEN, HermesParser.CLOSE);
            case MISTRAL_NEMO, MISTRAL -> List.of(MistralParser.TOOL_CALLS, MistralParser.ARGS, MistralParser.CALL_ID);
            case DEEPSEEK_R1, DEEPSEEK_V3_1 -> List.of(DeepSeekParser.CALLS_BEGIN, DeepSeekParser.CALLS_END,
                    DeepSeekParser.CALL_BEGIN, DeepSeekParser.CALL_END, DeepSeekParser.SEP);
            case GLM_4_5 -> List.of(GlmParser.OPEN, GlmParser.CLOSE, GlmParser.KEY, GlmParser.KEY_CLOSE, GlmParser.VALUE,
                    GlmParser.VALUE_CLOSE);
            case KIMI_K2 -> List.of(KimiParser.SECTION_BEGIN, KimiParser.SECTION_END, KimiParser.CALL_BEGIN,
                    KimiParser.ARGUMENT_BEGIN, KimiParser.CALL_END);
            case FUNCTIONARY_V3_1 -> List.of(FunctionaryV31Parser.PYTHON_TAG);
            case COMMAND_R7B -> List.of(CommandR7bParser.START_ACTION, CommandR7bParser.END_ACTION,
                    CommandR7bParser.START_RESPONSE, CommandR7bParser.END_RESPONSE);
        };
    }

    BodyParser parser(List<ToolDefinition> tools) {
        return switch (this) {
            case CONTENT_ONLY -> new ContentOnlyParser();
            case GENERIC -> new GenericParser();
            case LLAMA_3_X -> new Llama3Parser();
            case HERMES -> new HermesParser();
            case QWEN3_CODER -> new Qwen3CoderParser(tools);
            case MISTRAL_NEMO, MISTRAL -> new MistralParser();
            case DEEPSEEK_R1, DEEPSEEK_V3_1 -> new DeepSeekParser();
            case GLM_4_5 -> new GlmParser(tools);
            case KIMI_K2 -> new KimiParser();
            case FUNCTIONARY_V3_1 -> new FunctionaryV31Parser();
            case FUNCTIONARY_V3_2 -> new FunctionaryV32Parser();
            case COMMAND_R7B -> new CommandR7bParser();
        };
    }
}
