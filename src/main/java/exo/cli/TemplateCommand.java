package exo.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.gguf.GgufFile;
import exo.gguf.GgufMetadata;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import exo.tokenizer.chat.ChatMessage;
import exo.tokenizer.chat.ChatMessages;
import exo.tokenizer.chat.ChatTemplate;
import exo.tokenizer.chat.ChatTemplateInput;
import exo.tokenizer.chat.JsonValues;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `exo template`: the prompt a conversation renders to with a model's chat template. */
@Command(name = "template", description = {"Print the prompt a conversation renders to with MODEL's chat template (or "
                + "--chat-template-file's), exactly as it is fed to the model: no newline is added.",
                "The conversation is OpenAI-style JSON, a list of {\"role\", \"content\"} objects or a request body "
                        + "with \"messages\" (and \"tools\", \"chat_template_kwargs\"), read from --messages FILE or "
                        + "standard input. Assistant messages may carry \"tool_calls\" and \"reasoning_content\", tool "
                        + "messages \"tool_call_id\" and \"name\"."},
        footer = {"", "Examples:",
                "  echo '[{\"role\":\"user\",\"content\":\"Hi\"}]' | exo template llama-3.2-1b",
                "  exo template --model-file model.gguf --messages chat.json --no-generation-prompt",
                "  exo template --chat-template-file qwen.jinja --eos-token '<|im_end|>' --messages chat.json",
                "  exo template qwen3-8b --messages chat.json --tools tools.json --chat-template-kwargs "
                        + "'{\"enable_thinking\": false}'"})
public final class TemplateCommand extends Subcommand {
    @Mixin
    ModelSource source;
    @Mixin
    TemplateOption template;

    @Parameters(arity = "0..1", paramLabel = "MODEL", completionCandidates = Completions.ModelIds.class,
            description = "A model id from 'exo models' that is on this "
            + "machine (or use --model-file; neither is needed with --chat-template-file).")
    String model;

    @Option(names = "--messages", paramLabel = "FILE|-", defaultValue = "-",
            description = "The conversation as JSON (default: ${DEFAULT-VALUE}, standard input).")
    String messages;

    @Option(names = "--bos-token", paramLabel = "TEXT", description = "The text of the BOS token (default: the model's).")
    String bosToken;

    @Option(names = "--eos-token", paramLabel = "TEXT", description = "The text of the EOS token (default: the model's).")
    String eosToken;

    @Option(names = "--tools", paramLabel = "FILE",
            description = "Tools the model may call: a JSON list of OpenAI tool definitions ({\"type\": \"function\", "
                    + "\"function\": {\"name\", \"description\", \"parameters\"}}), or an object holding one under "
                    + "\"tools\" (default: the request body's \"tools\", else none).")
    Path tools;

    @Option(names = "--chat-template-kwargs", paramLabel = "JSON",
            description = "More template variables as a JSON object, e.g. '{\"enable_thinking\": false}' (default: "
                    + "the request body's \"chat_template_kwargs\").")
    String templateKwargs;

    @Option(names = "--today", paramLabel = "YYYY-MM-DD",
            description = "The date the template's strftime_now gives, to reproduce a prompt as of that day "
                    + "(default: the machine's date and time).")
    LocalDate today;

    @Option(names = "--no-generation-prompt", description = "End after the last message, without the header of the "
            + "assistant's turn.")
    boolean noGenerationPrompt;

    @Override
    public Integer call() throws Exception {
        ChatTemplate t = chatTemplate();
        t = ChatTemplate.of(t.source(), bosToken != null ? bosToken : t.bosToken(),
                eosToken != null ? eosToken : t.eosToken());
        if (today != null) {
            t = t.withToday(today);
        }
        JsonNode body = json(readMessages(), "the messages are not JSON");
        List<ChatMessage> conversation = ChatMessages.fromJson(body);
        ChatTemplateInput input = ChatTemplateInput.of(conversation, !noGenerationPrompt)
                .withTools(tools(body.isObject() ? body.get("tools") : null));
        for (Map.Entry<String, Object> e : variables(body.isObject() ? body.get("chat_template_kwargs") : null)
                .entrySet()) {
            input = input.withVariable(e.getKey(), e.getValue());
        }
        PrintWriter out = out();
        out.print(t.render(input));
        out.flush();
        return ExitCode.OK;
    }

    private ChatTemplate chatTemplate() throws IOException {
        if (model == null && !source.hasFile()) {
            if (template.file == null) {
                throw UserException.usage("name a model (see exo models), give --model-file PATH.gguf, or "
                        + "--chat-template-file FILE.jinja");
            }
            return ChatTemplate.of(template.read(), "", "");
        }
        Path path = source.resolve(model);
        GgufMetadata metadata = GgufFile.readHeader(path).metadata();
        Tokenizer tokenizer = Tokenizers.fromMetadata(metadata);
        return template.forModel(metadata, tokenizer);
    }

    private byte[] readMessages() throws IOException {
        if (messages.equals("-")) {
            InputStream in = System.in;
            return in.readAllBytes();
        }
        Path file = Path.of(messages);
        if (!Files.isRegularFile(file)) {
            throw new UserException(ExitCode.USAGE, "--messages " + file + ": no such file");
        }
        return Files.readAllBytes(file);
    }

    private static JsonNode json(byte[] bytes, String notJson) {
        try {
            JsonNode node = new ObjectMapper().readTree(new String(bytes, StandardCharsets.UTF_8));
            if (node == null || node.isMissingNode()) {
                throw UserException.usage(notJson + ": empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw UserException.usage(notJson + ": " + e.getOriginalMessage());
        }
    }

    /** --tools FILE, else the request body's tools; null for none. */
    private List<?> tools(JsonNode fromBody) throws IOException {
        JsonNode list = fromBody;
        if (tools != null) {
            if (!Files.isRegularFile(tools)) {
                throw new UserException(ExitCode.USAGE, "--tools " + tools + ": no such file");
            }
            JsonNode json = json(Files.readAllBytes(tools), "--tools " + tools + " is not JSON");
            list = json.isObject() && json.has("tools") ? json.get("tools") : json;
        }
        if (list == null || list.isNull()) {
            return null;
        }
        if (!list.isArray()) {
            throw UserException.usage("tools must be a JSON list of tool definitions "
                    + "({\"type\": \"function\", \"function\": {...}})");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isObject()) {
                throw UserException.usage("tools[" + i + "] must be a JSON object");
            }
        }
        return (List<?>) JsonValues.of(list);
    }

    /** --chat-template-kwargs, else the request body's chat_template_kwargs. */
    private Map<String, Object> variables(JsonNode fromBody) {
        JsonNode object = templateKwargs != null ? json(templateKwargs.getBytes(StandardCharsets.UTF_8),
                "--chat-template-kwargs is not JSON") : fromBody;
        if (object == null || object.isNull()) {
            return Map.of();
        }
        if (!object.isObject()) {
            throw UserException.usage("--chat-template-kwargs must be a JSON object, e.g. "
                    + "'{\"enable_thinking\": false}'");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> vars = (Map<String, Object>) JsonValues.of(object);
        for (String reserved : List.of("messages", "tools", "add_generation_prompt")) {
            if (vars.containsKey(reserved)) {
                throw UserException.usage("--chat-template-kwargs cannot set " + reserved);
            }
        }
        return vars;
    }
}
