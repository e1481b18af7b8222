package exo.engine;

import exo.engine.sampling.Sampler;
import exo.tokenizer.StreamingDecoder;
import exo.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * The tail's generation loop for one session over a whole model (one machine's engine, or a
 * ring seen from its tail): prefill the new tokens as one batch, then sample, stream and feed
 * back one token at a time until an end-of-generation token, the token limit, the context end
 * or a cancel. It keeps every token of the session, so a conversation continues where it was
 * and could be replayed on another ring.
 */
public final class Generator {

    /** Receives text as soon as it forms whole characters, and each token id. */
    public interface Listener {
        void onToken(int id, String text);
    }

    private final InferenceEngine model;
    private final Tokenizer tokenizer;
    private final String session;
    private int[] history = new int[256];
    private int length;

    public Generator(InferenceEngine model, Tokenizer tokenizer, String session) {
        if (!model.shard().isWhole()) {
            throw new IllegalArgumentException("generation needs the whole model, not shard " + model.shard());
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.session = session;
    }

    /** Tokens of this session so far, prompt and generated. */
    public int[] history() {
        return Arrays.copyOf(history, length);
    }

    public int length() {
        return length;
    }

    /** Forgets the conversation and frees the session's caches. */
    public void reset() {
        length = 0;
        model.release(session);
    }

    /** Appends {@code prompt} to the session and generates; see {@link #generateFrom}. */
    public GenerationStats generate(int[] prompt, int maxTokens, Sampler sampler, Listener listener,
                                    BooleanSupplier cancelled) {
        int[] all = Arrays.copyOf(history, length + prompt.length);
        System.arraycopy(prompt, 0, all, length, prompt.length);
        return generateFrom(all, maxTokens, sampler, listener, cancelled);
    }

    /**
     * Makes the session hold {@code tokens} (the whole conversation, as a chat template renders
     * it anew each turn) and generates up to {@code maxTokens} tokens after it. Only the part
     * after the longest prefix already in the KV cache is computed.
     *
     * @param cancelled polled between tokens; true stops with {@link FinishReason#CANCELLED}
     */
    public GenerationStats generateFrom(int[] tokens, int maxTokens, Sampler sampler,
                                        Listener listener, BooleanSupplier cancelled) {
        if (tokens.length == 0) {
            throw new exo.InvalidInputException("prompt", "the prompt has no tokens");
        }
        int context = model.contextLength();
        if (tokens.length >= context) {
            throw new PromptTooLongException(tokens.length, context);
        }
        // Reuse the cached prefix, but always run at least one token to get fresh logits.
        int common = Arrays.mismatch(history, 0, length, tokens, 0, tokens.length);
        if (common < 0) {
            common = length; // the same tokens again
        }
        int keep = Math.min(Math.min(common, model.sessionLength(session)), tokens.length - 1);
        length = keep;
        int[] fresh = Arrays.copyOfRange(tokens, keep, tokens.length);
        append(fresh);
        long t0 = System.nanoTime();
        Activations.Logits logits = (Activations.Logits) model.forward(session, keep, new Activations.Tokens(fresh));
        long prefill = System.nanoTime() - t0;

        // Control tokens (a BOS the model emits mid-answer) are not text for the person reading.
        StreamingDecoder decoder = new StreamingDecoder(tokenizer, false);
        int generated = 0;
        FinishReason reason = FinishReason.LENGTH;
        long t1 = System.nanoTime();
        while (generated < maxTokens) {
            if (cancelled.getAsBoolean()) {
                reason = FinishReason.CANCELLED;
                break;
            }
            int next = sampler.sample(logits.last(), history, length);
            generated++;
            if (tokenizer.isEndOfGeneration(next)) {
                reason = FinishReason.STOP;
                break;
            }
            append(new int[] {next});
            listener.onToken(next, decoder.push(next));
            // A constrained answer that is whole and can go no further (a closed JSON value) is done.
            if (sampler.constraint() != null && sampler.constraint().mustEnd()) {
                reason = FinishReason.STOP;
                break;
            }
            if (length >= context || generated == maxTokens) {
                break;
            }
            logits = (Activations.Logits) model.forward(session, length - 1, new Activations.Tokens(new int[] {next}));
        }
        String rest = decoder.flush();
        if (!rest.isEmpty()) {
            listener.onToken(-1, rest);
        }
        return new GenerationStats(fresh.length, prefill, generated, System.nanoTime() - t1, reason);
    }

    private void append(int[] ids) {
        if (length + ids.length > history.length) {
            history = Arrays.copyOf(history, Math.max(history.length * 2, length + ids.length));
        }
        System.arraycopy(ids, 0, history, length, ids.length);
        length += ids.length;
    }
}
