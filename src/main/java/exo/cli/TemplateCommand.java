package exo.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import exo.gguf.GgufFile;
import exo.gguf.GgufMetadata;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import exo.tokenizer.chat.ChatMessage;
import exo.tokenizer.chat.ChatMessages;
import exo.tokenizer.chat.ChatTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `exo template`: the prompt a conversation renders to with a model's chat template. */
@Command(name = "template", description = {"Print the prompt a conversation renders to with MODEL's chat template (or "
                + "--chat-template-file's), exactly as it is fed to the model: no newline is added.",
                "The conversation is OpenAI-style JSON, a list of {\"role\", \"content\"} objects or a request body "
                        + "with \"messages\", read from --messages FILE or standard input."},
        footer = {"", "Examples:",
                "  echo '[{\"role\":\"user\",\"content\":\"Hi\"}]' | exo template llama-3.2-1b",
                "  exo template --model-file model.gguf --messages chat.json --no-generation-prompt",
                "  exo template --chat-template-file qwen.jinja --eos-token '<|im_end|>' --messages chat.json"})
public final class TemplateCommand implements Callable<Integer> {
    @Mixin
    HelpOption helpOption;
    @Spec
    CommandSpec spec;
    @Mixin
    ModelSource source;
    @Mixin
    RegistryOption registry;
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

    @Option(names = "--no-generation-prompt", description = "End after the last message, without the header of the "
            + "assistant's turn.")
    boolean noGenerationPrompt;

    @Override
    public Integer call() throws Exception {
        ChatTemplate t = chatTemplate();
        t = ChatTemplate.of(t.source(), bosToken != null ? bosToken : t.bosToken(),
                eosToken != null ? eosToken : t.eosToken());
        List<ChatMessage> conversation = conversation();
        PrintWriter out = spec.commandLine().getOut();
        out.print(t.render(conversation, !noGenerationPrompt));
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
        Path path = source.resolve(model, registry);
        GgufMetadata metadata = GgufFile.readHeader(path).metadata();
        Tokenizer tokenizer = Tokenizers.fromMetadata(metadata);
        return template.forModel(metadata, tokenizer);
    }

    private List<ChatMessage> conversation() throws IOException {
        byte[] json;
        if (messages.equals("-")) {
            InputStream in = System.in;
            json = in.readAllBytes();
        } else {
            Path file = Path.of(messages);
            if (!Files.isRegularFile(file)) {
                throw new UserException(ExitCode.USAGE, "--messages " + file + ": no such file");
            }
            json = Files.readAllBytes(file);
        }
        try {
            return ChatMessages.fromJson(new ObjectMapper().readTree(new String(json, StandardCharsets.UTF_8)));
        } catch (JsonProcessingException e) {
            throw UserException.usage("the messages are not JSON: " + e.getOriginalMessage());
        }
    }
}
