package exo.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import exo.engine.sampling.Sampler;
import exo.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A sampled token with its log-probability and the most likely alternatives with theirs, in
 * the words OpenAI's {@code logprobs} use: the token's text (bytes that are not whole UTF-8
 * show as U+FFFD) and its bytes.
 */
record TokenLogprob(String token, byte[] bytes, float logprob, List<TokenLogprob> top) {
    TokenLogprob {
        top = List.copyOf(top);
    }

    static TokenLogprob of(Tokenizer tokenizer, Sampler.Choice choice) {
        List<TokenLogprob> top = new ArrayList<>();
        for (int i = 0; i < choice.topTokens().length; i++) {
            top.add(one(tokenizer, choice.topTokens()[i], choice.topLogprobs()[i]));
        }
        TokenLogprob t = one(tokenizer, choice.token(), choice.logprob());
        return new TokenLogprob(t.token(), t.bytes(), t.logprob(), top);
    }

    private static TokenLogprob one(Tokenizer tokenizer, int id, float logprob) {
        byte[] b = tokenizer.tokenBytes(id, true);
        return new TokenLogprob(new String(b, StandardCharsets.UTF_8), b, logprob, List.of());
    }

    /** Chat completions' {@code {"content": [{"token", "logprob", "bytes", "top_logprobs"}], "refusal": null}}. */
    static ObjectNode chat(List<TokenLogprob> tokens) {
        ObjectNode root = OpenAiApi.JSON.createObjectNode();
        ArrayNode content = root.putArray("content");
        for (TokenLogprob t : tokens) {
            ObjectNode o = t.entry(content.addObject());
            ArrayNode top = o.putArray("top_logprobs");
            t.top().forEach(alt -> alt.entry(top.addObject()));
        }
        root.putNull("refusal");
        return root;
    }

    private ObjectNode entry(ObjectNode o) {
        o.put("token", token).put("logprob", logprob);
        ArrayNode b = o.putArray("bytes");
        for (byte x : bytes) {
            b.add(x & 0xFF);
        }
        return o;
    }

    /**
     * Completions' legacy shape: {@code {"tokens", "token_logprobs", "top_logprobs": [{token:
     * logprob}], "text_offset"}}, offsets counted from {@code offset} characters.
     */
    static ObjectNode completion(List<TokenLogprob> tokens, int offset) {
        ObjectNode root = OpenAiApi.JSON.createObjectNode();
        ArrayNode text = root.putArray("tokens");
        ArrayNode lps = root.putArray("token_logprobs");
        ArrayNode tops = root.putArray("top_logprobs");
        ArrayNode offsets = root.putArray("text_offset");
        int at = offset;
        for (TokenLogprob t : tokens) {
            text.add(t.token());
            lps.add(t.logprob());
            ObjectNode top = tops.addObject();
            t.top().forEach(alt -> top.put(alt.token(), alt.logprob()));
            offsets.add(at);
            at += t.token().length();
        }
        return root;
    }
}
