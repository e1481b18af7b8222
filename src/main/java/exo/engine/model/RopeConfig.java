package exo.engine.model;

import exo.gguf.GgufFormatException;

/**
 * Rotary position embedding as llama.cpp passes it to {@code ggml_rope_ext}: the first
 * {@code dims} dimensions of each head rotate (the rest pass through), pairs adjacent or NeoX
 * style, at {@code base}^(-2i/dims) x {@code freqScale}; YaRN mixes interpolated and
 * extrapolated angles when {@code extFactor} is 1 ({@code betaFast}, {@code betaSlow} and
 * {@code originalContext} place the ramp) and multiplies cos and sin by {@code attnFactor}.
 */
public record RopeConfig(int dims, boolean neox, float base, float freqScale, int originalContext, float extFactor,
                         float attnFactor, float betaFast, float betaSlow) {

    /** llama.cpp's defaults for beta_fast and beta_slow (b4916 reads no key for them). */
    public static final float BETA_FAST = 32f;
    public static final float BETA_SLOW = 1f;

    public RopeConfig {
        if (dims < 2 || dims % 2 != 0) {
            throw new GgufFormatException("rope dimension " + dims + " is not a positive even number");
        }
        if (!positive(base) || !positive(freqScale) || !positive(attnFactor) || !(extFactor >= 0)
                || Float.isInfinite(extFactor) || originalContext < 1) {
            throw new GgufFormatException("the rope base " + base + ", scale " + freqScale + " or YaRN factors ("
                    + extFactor + ", " + attnFactor + ") are not positive numbers");
        }
    }

    private static boolean positive(float x) {
        return x > 0 && !Float.isInfinite(x);
    }

    /** The same rotation at another base and scale (gemma3's sliding-window layers). */
    public RopeConfig withBase(float newBase, float newFreqScale) {
        return new RopeConfig(dims, neox, newBase, newFreqScale, originalContext, extFactor, attnFactor, betaFast,
                betaSlow);
    }
}
