package exo.tokenizer.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.TestModels;
import exo.gguf.GgufArray;
import exo.gguf.GgufFile;
import exo.gguf.GgufMetadata;
import exo.gguf.GgufValue;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {
    private static final List<ChatMessage> TWO_TURNS = List.of(
            ChatMessage.user("Hi"), ChatMessage.assistant("Hello!"), ChatMessage.user("How are you?"));
    private static final List<ChatMessage> WITH_SYSTEM = List.of(
            ChatMessage.system("Be brief."), ChatMessage.user("Hi"), ChatMessage.assistant("Hello!"),
            ChatMessage.user("How are you?"));

    /** Meta-Llama-3-8B-Instruct's tokenizer_config.json chat_template, as GGUF files carry it. */
    private static final String META_LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim"
            + " + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

    private static final String LLAMA3_EXPECTED = "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nHow are you?<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n";

    @Test
    void llama3() {
        ChatTemplate t = BuiltinChatTemplate.LLAMA3.withTokens("<|begin_of_text|>", "<|end_of_text|>");
        assertEquals(LLAMA3_EXPECTED, t.render(TWO_TURNS, true));
    }

    @Test
    void metaLlama3TemplateFromAModelFile() {
        ChatTemplate t = ChatTemplate.of(META_LLAMA3, "<|begin_of_text|>", "<|end_of_text|>");
        assertEquals(LLAMA3_EXPECTED, t.render(TWO_TURNS, true));
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
                t.render(List.of(ChatMessage.system("  Be brief.\n"), ChatMessage.user("Hi")), false),
                "contents are trimmed, and no assistant header without add_generation_prompt");
    }

    @Test
    void llama2() {
        ChatTemplate t = BuiltinChatTemplate.LLAMA2.withTokens("<s>", "</s>");
        assertEquals("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] How are you? [/INST]",
                t.render(WITH_SYSTEM, true));
        assertEquals("<s>[INST] Hi [/INST] Hello! </s><s>[INST] How are you? [/INST]", t.render(TWO_TURNS, true));
    }

    @Test
    void mistral() {
        ChatTemplate t = BuiltinChatTemplate.MISTRAL.withTokens("<s>", "</s>");
        assertEquals("<s>[INST] Hi [/INST]Hello!</s>[INST] How are you? [/INST]", t.render(TWO_TURNS, true));
    }

    @Test
    void chatml() {
        ChatTemplate t = BuiltinChatTemplate.CHATML.withTokens("", "<|im_end|>");
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nHow are you?<|im_end|>\n"
                + "<|im_start|>assistant\n", t.render(WITH_SYSTEM, true));
    }

    @Test
    void raiseExceptionRefusesTheConversation() {
        ChatTemplate mistral = BuiltinChatTemplate.MISTRAL.withTokens("<s>", "</s>");
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> mistral.render(WITH_SYSTEM, true));
        assertTrue(e.getMessage().endsWith("Conversation roles must alternate user/assistant/user/assistant/..."), e.getMessage());
        ChatTemplate llama2 = BuiltinChatTemplate.LLAMA2.withTokens("<s>", "</s>");
        assertThrows(ChatTemplateException.class,
                () -> llama2.render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), true));
    }

    @Test
    void brokenTemplateIsAClearError() {
        ChatTemplate t = ChatTemplate.of("{% for m in messages %}{{ m.role }", "", "");
        assertThrows(ChatTemplateException.class, () -> t.render(TWO_TURNS, true));
    }

    @Test
    void phi3FileTemplateRendersAndEncodesWithOneBos() throws IOException {
        GgufMetadata md;
        try (GgufFile f = GgufFile.open(TestModels.require("llama.cpp-vocab/ggml-vocab-phi-3.gguf"))) {
            md = f.header().metadata();
        }
        Tokenizer tok = Tokenizers.fromMetadata(md);
        ChatTemplate t = ChatTemplates.forModel(md, tok);
        List<ChatMessage> chat = List.of(ChatMessage.user("Hi"));
        assertEquals("<s><|user|>\nHi<|end|>\n<|assistant|>\n", t.render(chat, true));
        int[] ids = t.encode(tok, chat, true);
        assertEquals(tok.bos(), ids[0]);
        assertTrue(ids[1] != tok.bos(), "the template's <s> is not doubled: " + Arrays.toString(ids));
        assertEquals(tok.tokenId("<|user|>"), ids[1]);
        assertEquals(tok.tokenId("<|assistant|>"), ids[ids.length - 1]);
    }

    @Test
    void builtinChosenByVocabulary() throws IOException {
        Tokenizer stories = Tokenizers.fromGguf(TestModels.stories260K());
        GgufMetadata storiesMd = exo.gguf.GgufFile.readHeader(TestModels.stories260K()).metadata();
        assertEquals(BuiltinChatTemplate.LLAMA2, ChatTemplates.builtinFor(storiesMd, stories));
        assertEquals("<s>[INST] Hi [/INST]", ChatTemplates.forModel(storiesMd, stories).render(List.of(ChatMessage.user("Hi")), true));

        GgufMetadata gpt2Md = exo.gguf.GgufFile.readHeader(TestModels.require("llama.cpp-vocab/ggml-vocab-gpt-2.gguf")).metadata();
        assertEquals(BuiltinChatTemplate.CHATML, ChatTemplates.builtinFor(gpt2Md, Tokenizers.fromMetadata(gpt2Md)));

        GgufMetadata llama3Md = new GgufMetadata(Map.of(
                "tokenizer.ggml.model", GgufValue.ofString("gpt2"),
                "tokenizer.ggml.pre", GgufValue.ofString("llama-bpe"),
                "tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings("a", "<|begin_of_text|>", "<|start_header_id|>")),
                "tokenizer.ggml.merges", GgufValue.ofArray(GgufArray.ofStrings()),
                "tokenizer.ggml.bos_token_id", GgufValue.ofUInt32(1)));
        Tokenizer llama3 = Tokenizers.fromMetadata(llama3Md);
        assertEquals(BuiltinChatTemplate.LLAMA3, ChatTemplates.builtinFor(llama3Md, llama3));
        assertTrue(ChatTemplates.forModel(llama3Md, llama3).render(TWO_TURNS, false).startsWith("<|begin_of_text|><|start_header_id|>user"));
    }
}
