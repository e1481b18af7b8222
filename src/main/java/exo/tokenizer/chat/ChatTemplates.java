package exo.tokenizer.chat;

import exo.gguf.GgufMetadata;
import exo.tokenizer.Tokenizer;

/** Finds the chat template for a model file. */
public final class ChatTemplates {
    public static final String KEY = "tokenizer.chat_template";

    private ChatTemplates() {
    }

    /**
     * The file's own tokenizer.chat_template, or else a built-in one chosen by the vocabulary:
     * ChatML where it has {@code <|im_start|>}, Llama 3 where it has {@code <|start_header_id|>},
     * Mistral where it has an {@code [INST]} token, Llama 2 for other SentencePiece vocabularies,
     * and ChatML otherwise (llama.cpp's fallback too).
     */
    public static ChatTemplate forModel(GgufMetadata metadata, Tokenizer tokenizer) {
        String bos = tokenText(tokenizer, tokenizer.bos());
        String eos = tokenText(tokenizer, tokenizer.eos());
        return metadata.getString(KEY)
                .map(source -> ChatTemplate.of(source, bos, eos))
                .orElseGet(() -> builtinFor(metadata, tokenizer).withTokens(bos, eos));
    }

    public static BuiltinChatTemplate builtinFor(GgufMetadata metadata, Tokenizer tokenizer) {
        if (tokenizer.tokenId("<|im_start|>") >= 0) {
            return BuiltinChatTemplate.CHATML;
        }
        if (tokenizer.tokenId("<|start_header_id|>") >= 0) {
            return BuiltinChatTemplate.LLAMA3;
        }
        if (tokenizer.tokenId("[INST]") >= 0) {
            return BuiltinChatTemplate.MISTRAL;
        }
        if (metadata.getString("tokenizer.ggml.model").orElse("").equals("llama")) {
            return BuiltinChatTemplate.LLAMA2;
        }
        return BuiltinChatTemplate.CHATML;
    }

    private static String tokenText(Tokenizer tokenizer, int id) {
        return id >= 0 && id < tokenizer.vocabSize() ? tokenizer.piece(id) : "";
    }
}
