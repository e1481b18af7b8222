package exo.tokenizer;

import java.util.List;

/**
 * The pre-tokenizers of byte-level BPE vocabularies: {@code LLAMA_VOCAB_PRE_TYPE_*} and the
 * regex lists of {@code llm_tokenizer_bpe}'s constructor in llama.cpp's src/llama-vocab.cpp,
 * copied verbatim (llama.cpp recognises some of them by their exact text and runs hand-coded
 * twins instead; see {@link RegexSplitter#of}). The expressions are applied one after another,
 * each cutting the pieces the previous ones left.
 *
 * <p>deepseek-v3's third expression uses \p{M} and \p{S}, which llama.cpp's collapsed std::regex
 * path translates with its own ASCII member lists ({@link RegexSplitter}); kimi-k2's only
 * expression is the trigger of a hand-coded splitter ({@link KimiK2Splitter}), as in newer
 * llama.cpp.
 */
enum PreTokenizerType {
    DEFAULT(
            "[\\p{P}\\$\\+<=>\\^~\\|]+",
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
            "\\p{N}+",
            "[0-9][0-9][0-9]"),
    LLAMA3(Llama3Splitter.EXPRESSION),
    DBRX(Llama3Splitter.EXPRESSION),
    SMAUG(Llama3Splitter.EXPRESSION),
    DEEPSEEK_LLM(
            "[\r\n]",
            // the cased letters; six of them are escaped because Unicode normalization (NFC) turns
            // them into other code points (U+1F7D, U+1FBE, U+1FD3, U+1FDB, U+2126, U+212A)
            "\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-\u1F7Dᾀ-ᾴᾶ-ᾼ\u1FBEῂ-ῄῆ-ῌῐ-\u1FD3ῖ-\u1FDBῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤ\u2126ℨ\u212A-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+",
            "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
            // Java's $ may also match before a final line terminator, but \s+ is greedy and every
            // terminator left in this text is \s, so the pieces equal std::regex's
            "\\s+$",
            "[一-龥ࠀ-一가-퟿]+",
            "\\p{N}+"),
    DEEPSEEK3_LLM(
            "\\p{N}{1,3}",
            "[一-龥぀-ゟ゠-ヿ]+",
            "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"),
    KIMI_K2(KimiK2Splitter.TRIGGER),
    GPT4O(
            "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    DEEPSEEK_CODER(
            "[\r\n]",
            "\\s?\\p{L}+",
            "\\s?\\p{P}+",
            "[一-龥ࠀ-一가-퟿]+",
            "\\p{N}"),
    FALCON(
            "[\\p{P}\\$\\+<=>\\^~\\|`]+",
            Gpt2Splitter.EXPRESSION,
            "[0-9][0-9][0-9]"),
    STARCODER("\\p{N}", Gpt2Splitter.EXPRESSION),
    REFACT("\\p{N}", Gpt2Splitter.EXPRESSION),
    COMMAND_R("\\p{N}", Gpt2Splitter.EXPRESSION),
    SMOLLM("\\p{N}", Gpt2Splitter.EXPRESSION),
    CODESHELL("\\p{N}", Gpt2Splitter.EXPRESSION),
    EXAONE("\\p{N}", Gpt2Splitter.EXPRESSION),
    MINERVA("\\p{N}", Gpt2Splitter.EXPRESSION),
    GPT2(Gpt2Splitter.EXPRESSION),
    MPT(Gpt2Splitter.EXPRESSION),
    OLMO(Gpt2Splitter.EXPRESSION),
    JAIS(Gpt2Splitter.EXPRESSION),
    STABLELM2(
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    QWEN2(
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    PORO(" ?[^(\\s|.,!?…。，、।۔،)]+"),
    BLOOM(" ?[^(\\s|.,!?…。，、।۔،)]+"),
    GPT3_FINNISH(" ?[^(\\s|.,!?…。，、।۔،)]+"),
    CHATGLM4(Llama3Splitter.EXPRESSION),
    VIKING(" ?[^(\\s|.,!?…。，、।۔،)]+", "\\p{N}"),
    TEKKEN(
            "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    CHAMELEON(
            "<sentinel:[0-9]+>",
            "(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z",
            "([\\t\\n]|    |  )",
            "\\p{N}",
            "[\\p{P}!-/:-@\\[-`{-~]",
            Gpt2Splitter.EXPRESSION);

    private final List<String> expressions;

    PreTokenizerType(String... expressions) {
        this.expressions = List.of(expressions);
    }

    List<String> expressions() {
        return expressions;
    }
}
