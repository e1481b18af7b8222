package exo.tokenizer.chat.tools;

import exo.grammar.CompiledGrammar;
import exo.grammar.Grammar;
import exo.grammar.GrammarConstraint;
import exo.grammar.TokenConstraint;
import exo.grammar.TokenVocabulary;
import exo.grammar.TriggeredConstraint;
import java.util.List;
import java.util.Objects;

/**
 * The grammar a tool call must follow for one request, and how to apply it. When
 * {@link #lazy} (tool_choice auto) the output is free until one of {@link #triggers} appears,
 * and from the trigger on it must be calls (llama.cpp's {@code grammar_lazy}); otherwise the
 * output must be calls from the first token (required, or a named function).
 * {@link #specialTokens} are the family's markers, which the vocabulary may hold as control
 * tokens; the mask allows those tokens where the grammar takes their text.
 */
public record ToolGrammar(Grammar grammar, boolean lazy, List<String> triggers, List<String> specialTokens) {
    public ToolGrammar {
        Objects.requireNonNull(grammar, "grammar");
        triggers = List.copyOf(triggers);
        specialTokens = List.copyOf(specialTokens);
        if (lazy && triggers.isEmpty()) {
            throw new IllegalArgumentException("a lazy grammar needs triggers");
        }
    }

    /** The constraint for one generation over {@code vocab}. */
    public TokenConstraint constraint(TokenVocabulary vocab) {
        CompiledGrammar compiled = grammar.compile();
        return lazy ? new TriggeredConstraint(compiled, vocab, specialTokens, triggers)
                : new GrammarConstraint(compiled, vocab, specialTokens);
    }
}
