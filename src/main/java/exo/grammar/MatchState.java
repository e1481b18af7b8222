package exo.grammar;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Where a grammar match stands after some bytes: the set of parse stacks still alive (each
 * topped by a character class to match next), whether the grammar may end here, and any
 * UTF-8 character begun but not finished (a token may end in the middle of one). Immutable:
 * advancing gives a new state or {@code null} when the bytes cannot continue the grammar, so
 * a state can be kept, shared between threads, and tried against many tokens.
 */
public final class MatchState {
    private static final Frame[] NO_STACKS = new Frame[0];

    private final CompiledGrammar grammar;
    /** Top frames, sorted by hash so equal states compare element by element. */
    private final Frame[] stacks;
    /** Whether the empty stack is among the stacks: the whole grammar matched. */
    private final boolean accepting;
    /** Bits of the UTF-8 character under way, and how many continuation bytes it still needs. */
    private final int partialValue;
    private final int partialRemaining;
    private final int partialLength;
    private final int hash;

    private MatchState(CompiledGrammar grammar, Frame[] stacks, boolean accepting, int partialValue,
            int partialRemaining, int partialLength) {
        this.grammar = grammar;
        this.stacks = stacks;
        this.accepting = accepting;
        this.partialValue = partialValue;
        this.partialRemaining = partialRemaining;
        this.partialLength = partialLength;
        int h = Boolean.hashCode(accepting) * 31 + partialValue * 17 + partialRemaining;
        for (Frame f : stacks) {
            h = h * 31 + f.hashCode();
        }
        this.hash = h;
    }

    static MatchState initial(CompiledGrammar g) {
        Expansion x = new Expansion();
        for (int start : g.ruleAlternatives[g.rootRule]) {
            x.expand(g, start, null);
        }
        return x.state(g);
    }

    /** The grammar may end here: the text so far is a whole sentence of it. */
    public boolean isComplete() {
        return accepting && partialRemaining == 0;
    }

    /** More text can follow (or a UTF-8 character is half-way). */
    public boolean canContinue() {
        return stacks.length > 0;
    }

    /** The state after {@code bytes}, or {@code null} when they cannot continue the grammar. */
    public MatchState advance(byte[] bytes) {
        return advance(bytes, 0, bytes.length);
    }

    public MatchState advance(byte[] bytes, int from, int to) {
        MatchState s = this;
        for (int i = from; i < to && s != null; i++) {
            s = s.advanceByte(bytes[i]);
        }
        return s;
    }

    /** The state after one byte of UTF-8 text, or {@code null}. */
    public MatchState advanceByte(byte value) {
        int b = value & 0xFF;
        if (partialRemaining > 0) {
            if ((b & 0xC0) != 0x80) {
                return null;
            }
            int v = (partialValue << 6) | (b & 0x3F);
            int remaining = partialRemaining - 1;
            if (remaining == 0) {
                if (!validScalar(v, partialLength)) {
                    return null;
                }
                return step(v);
            }
            return feasible(v, remaining, partialLength) ? new MatchState(grammar, stacks, accepting, v, remaining, partialLength) : null;
        }
        if (b < 0x80) {
            return step(b);
        }
        int length;
        int v;
        if (b >= 0xC2 && b <= 0xDF) {
            length = 2;
            v = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            length = 3;
            v = b & 0x0F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            length = 4;
            v = b & 0x07;
        } else {
            return null;
        }
        return feasible(v, length - 1, length) ? new MatchState(grammar, stacks, accepting, v, length - 1, length) : null;
    }

    /** The state after one code point, or {@code null}. */
    public MatchState advanceCodePoint(int codePoint) {
        if (partialRemaining > 0) {
            return null;
        }
        return step(codePoint);
    }

    private MatchState step(int codePoint) {
        Expansion x = new Expansion();
        for (Frame f : stacks) {
            if (grammar.classes[grammar.arg[f.pos]].matches(codePoint)) {
                x.expand(grammar, f.pos + 1, f.parent);
            }
        }
        return x.empty() ? null : x.state(grammar);
    }

    /** The state after {@code text} (UTF-8), or {@code null}. */
    public MatchState advance(String text) {
        return advance(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The classes the next character may come from (one per live stack). */
    public CharClass[] nextClasses() {
        CharClass[] out = new CharClass[stacks.length];
        for (int i = 0; i < stacks.length; i++) {
            out[i] = grammar.classes[grammar.arg[stacks[i].pos]];
        }
        return out;
    }

    /** The number of live parse stacks: how ambiguous the grammar is here. */
    public int stackCount() {
        return stacks.length;
    }

    public CompiledGrammar grammar() {
        return grammar;
    }

    /**
     * Whether some character the UTF-8 bytes so far can still become is one a stack takes:
     * the completions of {@code value} form a range, less overlong forms, surrogates and
     * values beyond Unicode, which the last byte would reject anyway.
     */
    private boolean feasible(int value, int remaining, int length) {
        int lo = Math.max(value << (6 * remaining), minScalar(length));
        int hi = Math.min((value << (6 * remaining)) | ((1 << (6 * remaining)) - 1), CharClass.MAX_CODE_POINT);
        if (lo > hi) {
            return false;
        }
        for (Frame f : stacks) {
            CharClass c = grammar.classes[grammar.arg[f.pos]];
            if (lo < 0xD800 && c.intersects(lo, Math.min(hi, 0xD7FF)) || hi > 0xDFFF && c.intersects(Math.max(lo, 0xE000), hi)) {
                return true;
            }
        }
        return false;
    }

    private static int minScalar(int length) {
        return length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
    }

    /** Rejects overlong encodings, UTF-16 surrogates and values beyond Unicode. */
    private static boolean validScalar(int cp, int length) {
        return cp >= minScalar(length) && cp <= CharClass.MAX_CODE_POINT && (cp < 0xD800 || cp > 0xDFFF);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof MatchState s && s.hash == hash && s.grammar == grammar && s.accepting == accepting
                && s.partialValue == partialValue && s.partialRemaining == partialRemaining
                && s.partialLength == partialLength && Arrays.equals(s.stacks, stacks);
    }

    @Override
    public String toString() {
        return "MatchState[stacks=" + stacks.length + ", complete=" + isComplete() + ", pendingUtf8=" + partialRemaining + "]";
    }

    /** Collects the stacks reached by expanding positions, merging equal ones. */
    private static final class Expansion {
        private Set<Frame> frames;
        private Frame single;
        private boolean accepting;

        void expand(CompiledGrammar g, int pos, Frame tail) {
            // a loop, not recursion: a deep stack whose rules may all end here pops frame after frame
            while (true) {
                for (int[] entry : g.closureEntries[pos]) {
                    Frame f = tail;
                    for (int i = entry.length - 1; i >= 0; i--) {
                        f = new Frame(entry[i], f);
                    }
                    add(f);
                }
                if (!g.closureNullable[pos]) {
                    return;
                }
                if (tail == null) {
                    accepting = true;
                    return;
                }
                pos = tail.pos;
                tail = tail.parent;
            }
        }

        private void add(Frame f) {
            if (frames != null) {
                frames.add(f);
            } else if (single == null) {
                single = f;
            } else if (!single.equals(f)) {
                frames = new HashSet<>();
                frames.add(single);
                frames.add(f);
            }
        }

        boolean empty() {
            return single == null && !accepting;
        }

        MatchState state(CompiledGrammar g) {
            Frame[] stacks;
            if (frames != null) {
                stacks = frames.toArray(new Frame[0]);
                Arrays.sort(stacks, (a, b) -> {
                    int c = Integer.compare(a.hashCode(), b.hashCode());
                    return c != 0 ? c : Integer.compare(a.pos, b.pos);
                });
            } else {
                stacks = single == null ? NO_STACKS : new Frame[] {single};
            }
            return new MatchState(g, stacks, accepting, 0, 0, 0);
        }
    }
}
