package exo.grammar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * llama.cpp's lazy grammar: generation is free until the text so far contains one of the
 * trigger words (say {@code <tool_call>}); from the trigger on, the text must follow the
 * grammar, which therefore starts with the trigger. The part of the token that completed the
 * trigger, from the trigger on, is the grammar's first input. If that text already breaks the
 * grammar, the constraint gives up and stays free rather than trapping the generation.
 */
public final class TriggeredConstraint implements TokenConstraint {
    private final CompiledGrammar grammar;
    private final TokenVocabulary vocab;
    private final Collection<String> specialTexts;
    private final List<byte[]> triggers = new ArrayList<>();
    private final java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
    private GrammarConstraint active;
    private boolean gaveUp;

    public TriggeredConstraint(CompiledGrammar grammar, TokenVocabulary vocab, Collection<String> specialTexts,
            Collection<String> triggerWords) {
        this.grammar = grammar;
        this.vocab = vocab;
        this.specialTexts = List.copyOf(specialTexts);
        for (String t : triggerWords) {
            if (t.isEmpty()) {
                throw new IllegalArgumentException("a trigger cannot be empty");
            }
            triggers.add(t.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Whether a trigger appeared and the grammar now applies. */
    public boolean triggered() {
        return active != null;
    }

    @Override
    public void apply(float[] logits) {
        if (active != null) {
            active.apply(logits);
        }
    }

    @Override
    public boolean allows(int token) {
        return active == null || active.allows(token);
    }

    @Override
    public void accept(int token) {
        if (active != null) {
            active.accept(token);
            return;
        }
        if (gaveUp || vocab.isEndOfGeneration(token)) {
            return;
        }
        int before = seen.size();
        seen.writeBytes(vocab.bytes(token));
        byte[] text = seen.toByteArray();
        int at = -1;
        for (byte[] t : triggers) {
            // only a trigger that ends in this token; earlier text was checked already
            int from = Math.max(0, before - t.length + 1);
            int i = indexOf(text, t, from);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
            }
        }
        if (at < 0) {
            return;
        }
        MatchState s = grammar.initialState().advance(text, at, text.length);
        if (s == null) {
            gaveUp = true;
            return;
        }
        active = new GrammarConstraint(s, vocab, specialTexts);
    }

    @Override
    public boolean isComplete() {
        return active == null || active.isComplete();
    }

    @Override
    public boolean mustEnd() {
        return active != null && active.mustEnd();
    }

    private static int indexOf(byte[] text, byte[] word, int from) {
        outer:
        for (int i = from; i + word.length <= text.length; i++) {
            for (int j = 0; j < word.length; j++) {
                if (text[i + j] != word[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
