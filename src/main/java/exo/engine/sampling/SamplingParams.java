package exo.engine.sampling;

import exo.InvalidInputException;

/**
 * How the next token is chosen, with llama.cpp's defaults and meanings.
 *
 * @param temperature   0 picks the most likely token (greedy); higher flattens the distribution
 * @param topK          keep the k most likely tokens (0 = all)
 * @param topP          keep the smallest set whose probability reaches p (1 = all)
 * @param minP          drop tokens less likely than minP x the top token's probability (0 = none)
 * @param repeatPenalty divide positive (multiply negative) logits of recently seen tokens (1 = off)
 * @param repeatLastN   how many recent tokens the penalty looks at
 * @param seed          makes a sampled run repeatable
 * @param presencePenalty  subtracted from the logit of every token seen in the window (OpenAI's and llama.cpp's; 0 = off)
 * @param frequencyPenalty subtracted once per time a token was seen in the window (0 = off)
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repeatPenalty,
                             int repeatLastN, long seed, float presencePenalty, float frequencyPenalty) {

    public static final SamplingParams GREEDY = new SamplingParams(0f, 0, 1f, 0f, 1f, 64, 0);

    /** Without presence and frequency penalties. */
    public SamplingParams(float temperature, int topK, float topP, float minP, float repeatPenalty, int repeatLastN,
                          long seed) {
        this(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed, 0f, 0f);
    }

    public SamplingParams {
        if (!(presencePenalty >= -2 && presencePenalty <= 2) || !(frequencyPenalty >= -2 && frequencyPenalty <= 2)) {
            throw new InvalidInputException(presencePenalty >= -2 && presencePenalty <= 2 ? "frequency_penalty" : "presence_penalty",
                    "presence and frequency penalties must be between -2 and 2");
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new InvalidInputException("temperature", "the temperature must be 0 or more, not " + temperature);
        }
        if (topK < 0) {
            throw new InvalidInputException("top_k", "top-k must be 0 (off) or more, not " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new InvalidInputException("top_p", "top-p must be in (0, 1], not " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new InvalidInputException("min_p", "min-p must be in [0, 1], not " + minP);
        }
        if (!(repeatPenalty > 0) || Float.isInfinite(repeatPenalty)) {
            throw new InvalidInputException("repeat_penalty", "the repeat penalty must be positive, not " + repeatPenalty);
        }
        if (repeatLastN < 0) {
            throw new InvalidInputException("repeat_last_n", "the repeat window must not be negative");
        }
    }

    public boolean greedy() {
        return temperature == 0f;
    }
}
