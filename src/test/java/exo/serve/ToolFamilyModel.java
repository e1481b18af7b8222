package exo.serve;

import exo.TestModels;
import exo.gguf.GgmlType;
import exo.gguf.GgufArray;
import exo.gguf.GgufValueType;
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
        String[] tokens = new String[VOCAB];
        float[] scores = new float[VOCAB];
        int[] types = new int[VOCAB];
        tokens[0] = "<unk>";
        types[0] = 2;
        tokens[1] = "<s>";
        types[1] = 3;
        tokens[2] = "</s>";
        types[2] = 3;
        for (int b = 0; b < 256; b++) {
            tokens[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = 6;
        }
        for (int i = 0; i < SPECIALS.size(); i++) {
            tokens[FIRST_SPECIAL + i] = SPECIALS.get(i);
            types[FIRST_SPECIAL + i] = 3;
        }
        for (int i = FIRST_SPECIAL + SPECIALS.size(); i < VOCAB; i++) {
            tokens[i] = "\u2581t" + i;
            scores[i] = -i;
            types[i] = 1;
        }
        w.putArray("tokenizer.ggml.tokens", GgufArray.ofStrings(tokens))
                .putArray("tokenizer.ggml.scores", GgufArray.ofFloats(scores))
                .putArray("tokenizer.ggml.token_type", new GgufArray(GgufValueType.INT32, types))
                .putUInt32("tokenizer.ggml.eos_token_id", id("<|im_end|>"))
                .putString("tokenizer.chat_template", template);
        Files.createDirectories(dir);
        Path file = dir.resolve("qwq-tools.gguf");
        w.write(file);
        return file;
    }
}
