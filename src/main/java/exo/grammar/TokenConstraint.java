package exo.grammar;

import java.util.function.ToIntFunction;

/**
 * What a sampler asks of a constraint on the tokens it may pick: mask the logits, check one
 * token, record the token picked. A constraint follows one generation; it is not thread-safe.
 *
 * <p>Two ways to use it from a sampler:
 * <pre>{@code
 * // always mask (exact, one trie walk per token)
 * constraint.apply(logits);
 * int token = sampler.sample(logits, history, n);
 * constraint.accept(token);
 *
 * // or llama.cpp's cheap path: sample first, mask only when the pick is refused
 * int token = TokenConstraint.sample(constraint, logits, l -> sampler.sample(l, history, n));
 * constraint.accept(token);
 * }</pre>
 * The cheap path gives the same distribution when the first pick is allowed and costs one
 * token's check instead of a full mask, which is most of the time with a model that follows
 * the format.
 */
public interface TokenConstraint {
    /** Sets the logit of every token that may not come next to negative infinity. */
    void apply(float[] logits);

    /** Whether {@code token} may come next; walks only that token's bytes. */
    boolean allows(int token);

    /**
     * Records that {@code token} was picked.
     *
     * @throws IllegalArgumentException when the token may not come next (the state is unchanged)
     */
    void accept(int token);

    /** The output so far is a whole sentence of the grammar: end-of-generation is allowed. */
    boolean isComplete();

    /** Nothing but end-of-generation may come next: generation should stop. */
    boolean mustEnd();

    /**
     * llama.cpp's cheap path: picks with {@code sampler} from the logits as they are, and only
     * when that token is not allowed masks a copy and picks again. {@code logits} is not modified.
     */
    static int sample(TokenConstraint constraint, float[] logits, ToIntFunction<float[]> sampler) {
        int token = sampler.applyAsInt(logits);
        if (constraint.allows(token)) {
            return token;
        }
        float[] masked = logits.clone();
        constraint.apply(masked);
        return sampler.applyAsInt(masked);
    }
}
