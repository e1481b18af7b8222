package exo.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A grammar flattened as llama.cpp flattens it: every rule a list of alternatives, every
 * alternative a run of elements (a character class, or a reference to a rule) ending in END;
 * groups and repetitions become rules of their own ({@code S{m,n}} is S m times, then n - m
 * nested optional copies). A parse position is an element index.
 *
 * <p>For each position it also keeps its <em>closure</em>: the stacks of positions that the
 * matcher pushes to reach the character classes that can come next from there, and whether the
 * rest of the alternative may be empty. llama.cpp redoes that expansion on every character;
 * doing it once here keeps {@link MatchState#advance} to a few allocations. Building the
 * closures also finds left recursion (a rule that can reach itself without consuming a
 * character), which a top-down matcher cannot handle and llama.cpp refuses too.
 */
public final class CompiledGrammar {
    static final byte CHAR = 0;
    static final byte REF = 1;
    static final byte END = 2;

    final byte[] kind;
    /** For CHAR the index into {@link #classes}, for REF the rule id. */
    final int[] arg;
    final CharClass[] classes;
    final int[][] ruleAlternatives;
    final String[] ruleNames;
    final int rootRule;
    /** Per position: the frames to push, top first; each entry begins with a CHAR position. */
    final int[][][] closureEntries;
    /** Per position: whether the rest of the alternative can match the empty string. */
    final boolean[] closureNullable;
    private final Grammar source;

    private CompiledGrammar(Builder b, Grammar source) {
        this.source = source;
        this.kind = new byte[b.kinds.size()];
        this.arg = new int[b.kinds.size()];
        for (int i = 0; i < kind.length; i++) {
            kind[i] = b.kinds.get(i);
            arg[i] = b.args.get(i);
        }
        this.classes = b.classes.toArray(CharClass[]::new);
        this.ruleAlternatives = b.alternatives.toArray(int[][]::new);
        this.ruleNames = b.names.toArray(String[]::new);
        this.rootRule = b.ids.get(source.root());
        this.closureEntries = new int[kind.length][][];
        this.closureNullable = new boolean[kind.length];
        boolean[] inProgress = new boolean[kind.length];
        for (int p = 0; p < kind.length; p++) {
            closure(p, inProgress, 0);
        }
    }

    /** Limits that keep a hostile or mistaken grammar from exhausting memory or the stack. */
    static final int MAX_ELEMENTS = 2_000_000;
    private static final int MAX_NESTING = 2_000;
    private static final long MAX_CLOSURE_SIZE = 20_000_000;
    private long closureSize;

    static CompiledGrammar of(Grammar grammar) {
        Builder b = new Builder();
        for (String name : grammar.rules().keySet()) {
            b.ruleId(name);
        }
        for (Map.Entry<String, Expr> e : grammar.rules().entrySet()) {
            b.defineRule(b.ids.get(e.getKey()), e.getValue());
        }
        return new CompiledGrammar(b, grammar);
    }

    /** The grammar this was compiled from. */
    public Grammar grammar() {
        return source;
    }

    /** The number of element positions, a measure of the compiled grammar's size. */
    public int size() {
        return kind.length;
    }

    /** The state before any character. */
    public MatchState initialState() {
        return MatchState.initial(this);
    }

    private void closure(int p, boolean[] inProgress, int depth) {
        if (closureEntries[p] != null) {
            return;
        }
        if (depth > MAX_NESTING) {
            throw new GrammarException("rule '" + ruleOf(p) + "' nests rules more than " + MAX_NESTING
                    + " deep before its first character");
        }
        if (inProgress[p]) {
            throw new GrammarException("rule '" + ruleOf(p) + "' is left-recursive: it can reach itself without"
                    + " consuming a character, which a grammar-constrained sampler cannot follow");
        }
        inProgress[p] = true;
        Set<List<Integer>> entries = new LinkedHashSet<>();
        boolean nullable;
        switch (kind[p]) {
            case CHAR -> {
                entries.add(List.of(p));
                nullable = false;
            }
            case END -> nullable = true;
            default -> {
                int ret = p + 1;
                boolean retFrame = kind[ret] != END;
                boolean ruleNullable = false;
                for (int start : ruleAlternatives[arg[p]]) {
                    closure(start, inProgress, depth + 1);
                    for (int[] e : closureEntries[start]) {
                        List<Integer> entry = new ArrayList<>(e.length + 1);
                        for (int x : e) {
                            entry.add(x);
                        }
                        if (retFrame) {
                            entry.add(ret);
                        }
                        entries.add(entry);
                    }
                    ruleNullable |= closureNullable[start];
                }
                nullable = false;
                if (ruleNullable) {
                    closure(ret, inProgress, depth + 1);
                    for (int[] e : closureEntries[ret]) {
                        List<Integer> entry = new ArrayList<>(e.length);
                        for (int x : e) {
                            entry.add(x);
                        }
                        entries.add(entry);
                    }
                    nullable = closureNullable[ret];
                }
            }
        }
        int[][] out = new int[entries.size()][];
        int i = 0;
        for (List<Integer> e : entries) {
            out[i++] = e.stream().mapToInt(Integer::intValue).toArray();
            closureSize += e.size();
        }
        if (closureSize > MAX_CLOSURE_SIZE) {
            throw new GrammarException("the grammar is too ambiguous: the ways to its next characters exceed "
                    + MAX_CLOSURE_SIZE + " steps");
        }
        closureNullable[p] = nullable;
        closureEntries[p] = out;
        inProgress[p] = false;
    }

    private String ruleOf(int p) {
        for (int r = 0; r < ruleAlternatives.length; r++) {
            int[] alts = ruleAlternatives[r];
            for (int a = 0; a < alts.length; a++) {
                int end = alts[a];
                while (kind[end] != END) {
                    end++;
                }
                if (p >= alts[a] && p <= end) {
                    return ruleNames[r];
                }
            }
        }
        return "?";
    }

    /** Flattens rule expressions into the element arrays. */
    private static final class Builder {
        final List<Byte> kinds = new ArrayList<>();
        final List<Integer> args = new ArrayList<>();
        final List<CharClass> classes = new ArrayList<>();
        final Map<CharClass, Integer> classIds = new HashMap<>();
        final List<int[]> alternatives = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final Map<String, Integer> ids = new HashMap<>();

        int ruleId(String name) {
            return ids.computeIfAbsent(name, n -> {
                names.add(n);
                alternatives.add(null);
                return names.size() - 1;
            });
        }

        int syntheticRule(String base) {
            String name = base + "_" + names.size();
            return ruleId(name);
        }

        private long created;

        /** Counts elements about to be written; a grammar past the limit is refused. */
        private void spend(long elements) {
            created += elements;
            if (created > MAX_ELEMENTS) {
                throw new GrammarException("the grammar is too large: over " + MAX_ELEMENTS
                        + " elements once its repetitions are written out");
            }
        }

        void defineRule(int id, Expr body) {
            List<Expr> alts = body instanceof Expr.Choice c ? c.alternatives() : List.of(body);
            List<long[]> flat = new ArrayList<>();
            for (Expr alt : alts) {
                List<long[]> elems = new ArrayList<>();
                flatten(alt, elems, names.get(id));
                flat.add(pack(elems));
            }
            define(id, flat);
        }

        /** Appends each alternative's elements and END; records where each begins. */
        private void define(int id, List<long[]> alts) {
            int[] starts = new int[alts.size()];
            for (int a = 0; a < alts.size(); a++) {
                starts[a] = kinds.size();
                for (long e : alts.get(a)) {
                    kinds.add((byte) (e >>> 32));
                    args.add((int) e);
                }
                kinds.add(END);
                args.add(0);
            }
            alternatives.set(id, starts);
        }

        private static long[] pack(List<long[]> elems) {
            long[] out = new long[elems.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = elems.get(i)[0];
            }
            return out;
        }

        private static long[] element(byte kind, int arg) {
            return new long[] {((long) kind << 32) | (arg & 0xFFFFFFFFL)};
        }

        private int classId(CharClass c) {
            return classIds.computeIfAbsent(c, k -> {
                classes.add(k);
                return classes.size() - 1;
            });
        }

        private void flatten(Expr e, List<long[]> out, String owner) {
            switch (e) {
                case Expr.Literal l -> {
                    spend(l.text().length());
                    l.text().codePoints().forEach(cp -> out.add(element(CHAR, classId(CharClass.of(cp)))));
                }
                case Expr.Chars c -> out.add(element(CHAR, classId(c.chars())));
                case Expr.Ref r -> out.add(element(REF, ids.get(r.name())));
                case Expr.Sequence s -> s.items().forEach(i -> flatten(i, out, owner));
                case Expr.Choice c -> {
                    int id = syntheticRule(owner);
                    List<long[]> alts = new ArrayList<>();
                    for (Expr alt : c.alternatives()) {
                        List<long[]> elems = new ArrayList<>();
                        flatten(alt, elems, owner);
                        alts.add(pack(elems));
                    }
                    define(id, alts);
                    out.add(element(REF, id));
                }
                case Expr.Repeat r -> repeat(r, out, owner);
            }
        }

        /** Repetitions are written out; past this many copies a grammar would take too much memory. */
        private static final int MAX_COPIES = 100_000;

        private void repeat(Expr.Repeat r, List<long[]> out, String owner) {
            if (r.min() > MAX_COPIES || (r.max() != Expr.Repeat.UNBOUNDED && r.max() > MAX_COPIES)) {
                throw new GrammarException("rule '" + owner + "' repeats something over " + MAX_COPIES + " times ("
                        + r.toGbnf().replaceAll("^.*(\\{[^}]*\\})$", "$1") + "); use * or + instead");
            }
            List<long[]> itemList = new ArrayList<>();
            flatten(r.item(), itemList, owner);
            long[] item = pack(itemList);
            long copies = r.max() == Expr.Repeat.UNBOUNDED ? r.min() + 1L : r.max();
            spend(copies * (item.length + 1));
            for (int i = 0; i < r.min(); i++) {
                for (long x : item) {
                    out.add(new long[] {x});
                }
            }
            if (r.max() == Expr.Repeat.UNBOUNDED) {
                // S* --> S' ::= S S' |
                int id = syntheticRule(owner);
                long[] loop = Arrays.copyOf(item, item.length + 1);
                loop[item.length] = element(REF, id)[0];
                define(id, List.of(loop, new long[0]));
                out.add(element(REF, id));
            } else if (r.max() > r.min()) {
                // S{0,n} --> S'(n) ::= S S'(n-1) | ; S'(1) ::= S |
                int last = -1;
                for (int i = 0; i < r.max() - r.min(); i++) {
                    int id = syntheticRule(owner);
                    long[] alt = last < 0 ? item : Arrays.copyOf(item, item.length + 1);
                    if (last >= 0) {
                        alt[item.length] = element(REF, last)[0];
                    }
                    define(id, List.of(alt, new long[0]));
                    last = id;
                }
                out.add(element(REF, last));
            }
        }
    }
}
