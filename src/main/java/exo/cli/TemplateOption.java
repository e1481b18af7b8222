package exo.cli;

import exo.gguf.GgufMetadata;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.chat.ChatTemplate;
import exo.tokenizer.chat.ChatTemplates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --chat-template-file}: a Jinja chat template to use instead of the model file's. */
final class TemplateOption {
    @Option(names = "--chat-template-file", paramLabel = "FILE.jinja",
            description = "Render conversations with this Jinja chat template instead of the model's own "
                    + "(tokenizer.chat_template, or a built-in one chosen by its vocabulary).")
    Path file;

    /** The template for a model: the file's when one was given, else the model's. */
    ChatTemplate forModel(GgufMetadata metadata, Tokenizer tokenizer) throws IOException {
        ChatTemplate model = ChatTemplates.forModel(metadata, tokenizer);
        return file == null ? model : ChatTemplate.of(read(), model.bosToken(), model.eosToken());
    }

    /** The given file's text. */
    String read() throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserException(ExitCode.USAGE, "--chat-template-file " + file + ": no such file");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
