package exo.engine;

import java.util.Locale;

/**
 * Counts and timings of one generation: what the stats line on stderr reports.
 * {@code promptTokens} counts the tokens prefilled, not those reused from the session's cache.
 */
public record GenerationStats(int promptTokens, long prefillNanos, int generatedTokens, long decodeNanos,
                              FinishReason finishReason) {

    public double prefillTokensPerSecond() {
        return rate(promptTokens, prefillNanos);
    }

    /** Decode rate over the tokens after the first (the first one's logits come from prefill). */
    public double decodeTokensPerSecond() {
        return rate(Math.max(0, generatedTokens - 1), decodeNanos);
    }

    private static double rate(int tokens, long nanos) {
        return nanos <= 0 ? 0 : tokens * 1e9 / nanos;
    }

    public String summary() {
        return String.format(Locale.ROOT, "prompt %d tokens, prefill %.1f tok/s, generated %d tokens, decode %.1f tok/s (%s)",
                promptTokens, prefillTokensPerSecond(), generatedTokens, decodeTokensPerSecond(), finishReason.label());
    }
}
