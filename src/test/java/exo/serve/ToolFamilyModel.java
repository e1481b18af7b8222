package exo.serve;

import exo.TestModels;
import exo.gguf.GgmlType;
import exo.gguf.GgufWriter;
import exo.synthetic.SyntheticModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small random-weight model that speaks a real tool-call family: the synthetic SentencePiece
 * vocabulary with Qwen's special tokens as control tokens ({@code <|im_start|>},
 * {@code <|im_end|>} as its end of generation, {@code <tool_call>}, {@code </tool_call>},
 * {@code <think>}, {@code </think>}) and QwQ's real chat template (Hermes tool calls, think
 * tags, {@code enable_thinking}) from ../shared, written into the file as its
 * tokenizer.chat_template. Its answers are noise, so whatever shape they have comes from the
 * server's grammar and parsing.
 */
public final class ToolFamilyModel {
    static final List<String> SPECIALS = List.of("<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>", "<think>",
            "</think>");
    /** The id of the first special token; the others follow in {@link #SPECIALS}' order. */
    static final int FIRST_SPECIAL = 259;
    static final int VOCAB = 600;

    private ToolFamilyModel() {
    }

    /** The id of special token {@code text}. */
    static int id(String text) {
        return FIRST_SPECIAL + SPECIALS.indexOf(text);
    }

    /** Writes the model to {@code dir}/qwq-tools.gguf (a few MB) and returns its path. */
    public static Path write(Path dir) throws IOException {
        String template = Files.readString(TestModels.require("chat-templates-all/Qwen-QwQ-32B.jinja"));
        GgufWriter w = new SyntheticModel(64, 2, 4, 2, 128, VOCAB, 2048, GgmlType.F32, 11).writer();
        SyntheticModel.putVocabulary(w, VOCAB, SPECIALS);
        w.putUInt32("tokenizer.ggml.eos_token_id", id("<|im_end|>"))
                .putString("tokenizer.chat_template", template);
        Files.createDirectories(dir);
        Path file = dir.resolve("qwq-tools.gguf");
        w.write(file);
        return file;
    }
}
