package exo.grammar;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Follows one generation through a grammar: the bytes accepted so far, as a
 * {@link MatchState}. Tokens may split a UTF-8 character; the half character is kept until the
 * next token finishes it. Not thread-safe (one per generation); the states it hands out are.
 */
public final class GrammarMatcher {
    private final CompiledGrammar grammar;
    private MatchState state;

    public GrammarMatcher(CompiledGrammar grammar) {
        this.grammar = Objects.requireNonNull(grammar, "grammar");
        this.state = grammar.initialState();
    }

    public GrammarMatcher(Grammar grammar) {
        this(grammar.compile());
    }

    /** Whether {@code bytes} can come next, without moving. */
    public boolean accepts(byte[] bytes) {
        return state.advance(bytes) != null;
    }

    public boolean accepts(String text) {
        return accepts(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Moves past {@code bytes}; returns false, and stays where it was, when they cannot
     * continue the grammar.
     */
    public boolean advance(byte[] bytes) {
        MatchState next = state.advance(bytes);
        if (next == null) {
            return false;
        }
        state = next;
        return true;
    }

    public boolean advance(String text) {
        return advance(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The grammar may end here. */
    public boolean isComplete() {
        return state.isComplete();
    }

    /** More text may follow. */
    public boolean canContinue() {
        return state.canContinue();
    }

    public MatchState state() {
        return state;
    }

    public CompiledGrammar grammar() {
        return grammar;
    }

    /** Back to the start of the grammar. */
    public void reset() {
        state = grammar.initialState();
    }
}
