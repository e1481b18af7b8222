package exo.grammar;

import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A {@link TokenConstraint} that keeps a generation inside a grammar: the match state of the
 * text so far and a {@link TokenMasker} over the model's vocabulary. Special (control) tokens
 * are allowed only when their text is among {@code specialTexts} and the grammar takes it at
 * that point; end-of-generation tokens only where the grammar is complete.
 */
public final class GrammarConstraint implements TokenConstraint {
    private final TokenVocabulary vocab;
    private final TokenMasker masker;
    private final BitSet allowedSpecial = new BitSet();
    private final BitSet scratch;
    private MatchState state;
    private boolean ended;

    public GrammarConstraint(CompiledGrammar grammar, TokenVocabulary vocab, Collection<String> specialTexts) {
        this(grammar.initialState(), vocab, specialTexts);
    }

    /** Starting from {@code state} instead of the grammar's beginning (text already matched). */
    GrammarConstraint(MatchState state, TokenVocabulary vocab, Collection<String> specialTexts) {
        this.vocab = Objects.requireNonNull(vocab, "vocab");
        this.masker = new TokenMasker(vocab);
        this.scratch = new BitSet(vocab.size());
        this.state = state;
        for (String text : specialTexts) {
            for (int id : vocab.specialTokens(text)) {
                allowedSpecial.set(id);
            }
        }
    }

    public GrammarConstraint(CompiledGrammar grammar, TokenVocabulary vocab) {
        this(grammar, vocab, List.of());
    }

    @Override
    public void apply(float[] logits) {
        BitSet allowed = allowedTokens();
        for (int id = allowed.nextClearBit(0); id < logits.length; id = allowed.nextClearBit(id + 1)) {
            logits[id] = Float.NEGATIVE_INFINITY;
        }
    }

    /** The tokens that may come next (a view reused by the next call). */
    public BitSet allowedTokens() {
        if (ended) {
            scratch.clear();
        } else {
            masker.allowed(state, allowedSpecial, scratch);
        }
        return scratch;
    }

    @Override
    public boolean allows(int token) {
        if (ended || token < 0 || token >= vocab.size()) {
            return false;
        }
        if (vocab.isEndOfGeneration(token)) {
            return state.isComplete();
        }
        if (vocab.isSpecial(token) && !allowedSpecial.get(token)) {
            return false;
        }
        byte[] b = vocab.bytes(token);
        return b.length > 0 && state.advance(b) != null;
    }

    @Override
    public void accept(int token) {
        if (!allows(token)) {
            throw new IllegalArgumentException("token " + token + " cannot continue the grammar here");
        }
        if (vocab.isEndOfGeneration(token)) {
            ended = true;
            return;
        }
        state = state.advance(vocab.bytes(token));
    }

    @Override
    public boolean isComplete() {
        return !ended && state.isComplete();
    }

    @Override
    public boolean mustEnd() {
        return ended || !state.canContinue();
    }

    /** The match state of the output so far. */
    public MatchState state() {
        return state;
    }

    /** Trie nodes visited by the masks so far (for benchmarks). */
    public long nodesVisited() {
        return masker.nodesVisited();
    }
}
