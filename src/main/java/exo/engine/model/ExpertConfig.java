package exo.engine.model;

import exo.gguf.GgufFormatException;

/**
 * A mixture-of-experts feed-forward, as llama.cpp's {@code build_moe_ffn} routes it: a router
 * scores the {@code count} experts ({@link Gating}), the best {@code used} are chosen (after an
 * optional selection bias, and within the best {@code groupsUsed} of {@code groups} groups when
 * {@code groups > 1}), their weights are the unbiased scores, divided by their sum when
 * {@code normalize}, multiplied by {@code scale} unless it is 0 or 1. {@code shared} always-on
 * experts of total width {@code sharedFfn} are added; the first {@code denseLead} layers have a
 * plain feed-forward instead.
 *
 * @param ffn       width of each routed expert
 * @param clampSum  clamp the weights' sum to at least 2^-14 before dividing (llama.cpp since
 *                  2025; b4916 divides by the plain sum)
 */
public record ExpertConfig(int count, int used, int ffn, int shared, int sharedFfn, int denseLead, Gating gating,
                           boolean normalize, float scale, int groups, int groupsUsed, boolean clampSum) {

    /** Larger than any published model (Kimi K2 has 384); beyond it the file is damaged. */
    static final int MAX_EXPERTS = 1024;

    /** How router logits become expert scores ({@code expert_gating_func}: 1 softmax, 2 sigmoid). */
    public enum Gating {
        SOFTMAX, SIGMOID;

        /** The GGUF value; 0 (none) is softmax for the files that predate the key. */
        public static Gating of(int value) {
            return switch (value) {
                case 0, 1 -> SOFTMAX;
                case 2 -> SIGMOID;
                default -> throw new UnsupportedModelException("expert gating function " + value
                        + " is not supported (1 softmax, 2 sigmoid)");
            };
        }

        public int ggufValue() {
            return this == SOFTMAX ? 1 : 2;
        }
    }

    public ExpertConfig {
        if (count < 2 || count > MAX_EXPERTS || used < 1 || used > count) {
            throw new GgufFormatException(count + " experts with " + used + " used per token is not a mixture of experts");
        }
        if (ffn < 1 || shared < 0 || sharedFfn < 0 || shared > 0 && sharedFfn < 1 || denseLead < 0) {
            throw new GgufFormatException("expert width " + ffn + ", " + shared + " shared experts of " + sharedFfn
                    + " or " + denseLead + " dense layers is not a valid mixture of experts");
        }
        if (!(scale >= 0) || Float.isInfinite(scale)) {
            throw new GgufFormatException("expert weights scale " + scale + " is not a number >= 0");
        }
        if (groups > 1 && (count % groups != 0 || groupsUsed < 1 || groupsUsed > groups
                || (long) groupsUsed * (count / groups) < used || count / groups < 2)) {
            throw new GgufFormatException(groups + " expert groups (" + groupsUsed + " used) do not fit " + count
                    + " experts of which " + used + " are used");
        }
    }

    /** Whether routing keeps only the best groups of experts (DeepSeek V3's group-limited selection). */
    public boolean groupLimited() {
        return groups > 1 && groupsUsed < groups;
    }

    /** Whether the routed weights are multiplied by {@link #scale}. */
    public boolean scaled() {
        return scale != 0 && scale != 1;
    }
}
