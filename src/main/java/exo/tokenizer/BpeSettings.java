package exo.tokenizer;

import exo.engine.model.UnsupportedModelException;

/**
 * What a {@code tokenizer.ggml.pre} name means for a byte-level BPE vocabulary, as
 * llama.cpp's {@code llama_vocab::impl::load} sets it: the pre-tokenizer, whether detokenizing
 * cleans spaces before punctuation, whether a word already in the vocabulary skips the merges,
 * and whether BOS is added by default.
 */
record BpeSettings(PreTokenizerType type, boolean cleanSpaces, boolean ignoreMerges, boolean addBos, boolean hasBos) {

    /** @param pre the tokenizer.ggml.pre value, or "" when the file has none (llama.cpp: 'default') */
    static BpeSettings forName(String pre) {
        return switch (pre) {
            case "", "default" -> of(PreTokenizerType.DEFAULT, true);
            case "llama3", "llama-v3", "llama-bpe", "falcon3" ->
                    new BpeSettings(PreTokenizerType.LLAMA3, true, true, true, true);
            case "deepseek-llm" -> of(PreTokenizerType.DEEPSEEK_LLM, false);
            case "deepseek-coder" -> of(PreTokenizerType.DEEPSEEK_CODER, false);
            case "deepseek-v3" -> of(PreTokenizerType.DEEPSEEK3_LLM, false);
            case "kimi-k2" -> of(PreTokenizerType.KIMI_K2, false); // newer llama.cpp; b4916 refuses it
            case "gpt-4o" -> of(PreTokenizerType.GPT4O, false);
            case "falcon" -> of(PreTokenizerType.FALCON, true);
            case "mpt" -> of(PreTokenizerType.MPT, true);
            case "starcoder" -> of(PreTokenizerType.STARCODER, true);
            case "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v1-en", "jina-v2-es", "jina-v2-de",
                 "jina-v2-code", "roberta-bpe" -> of(PreTokenizerType.GPT2, true);
            case "refact" -> of(PreTokenizerType.REFACT, true);
            case "command-r" -> of(PreTokenizerType.COMMAND_R, false);
            case "qwen2", "deepseek-r1-qwen" -> of(PreTokenizerType.QWEN2, false);
            case "stablelm2" -> of(PreTokenizerType.STABLELM2, true);
            case "olmo" -> of(PreTokenizerType.OLMO, true);
            case "dbrx" -> of(PreTokenizerType.DBRX, true);
            case "smaug-bpe" -> of(PreTokenizerType.SMAUG, true);
            case "poro-chat" -> of(PreTokenizerType.PORO, false);
            // "glm4" (GLM-4.5 and later) is newer llama.cpp's name for the same settings
            case "chatglm-bpe", "glm4" -> new BpeSettings(PreTokenizerType.CHATGLM4, true, false, false, false);
            case "viking" -> of(PreTokenizerType.VIKING, false);
            case "jais" -> of(PreTokenizerType.JAIS, true);
            case "tekken" -> new BpeSettings(PreTokenizerType.TEKKEN, false, true, true, true);
            case "smollm" -> of(PreTokenizerType.SMOLLM, false);
            case "codeshell" -> of(PreTokenizerType.CODESHELL, true);
            case "bloom" -> of(PreTokenizerType.BLOOM, true);
            case "gpt3-finnish" -> of(PreTokenizerType.GPT3_FINNISH, true);
            case "exaone" -> of(PreTokenizerType.EXAONE, true);
            case "chameleon" -> new BpeSettings(PreTokenizerType.CHAMELEON, false, false, true, true);
            case "minerva-7b" -> of(PreTokenizerType.MINERVA, true);
            case "megrez" -> of(PreTokenizerType.QWEN2, true);
            default -> throw new UnsupportedModelException("unknown pre-tokenizer type: '" + pre + "'");
        };
    }

    private static BpeSettings of(PreTokenizerType type, boolean cleanSpaces) {
        return new BpeSettings(type, cleanSpaces, false, false, true);
    }
}
