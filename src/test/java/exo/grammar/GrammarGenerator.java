package exo.grammar;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random sentences of a grammar, for property tests: alternatives and repetition counts drawn
 * at random, characters drawn from each class (mostly ASCII, some accented, CJK and emoji
 * where the class has them). Past a depth or length budget it takes the shortest way out, so
 * recursive grammars (JSON values in values) end.
 */
public final class GrammarGenerator {
    private static final int[] SAMPLES = {'a', 'Z', '5', ' ', '"', '\\', '/', '\n', '\t', 0x7F, 'é', 'ß', '日', '本', 0x1F600, 0x10FFFF};

    private final Grammar grammar;
    private final SplittableRandom random;
    private final Map<String, Integer> minRuleLength = new HashMap<>();
    private final int maxDepth;
    private final int budget;
    private StringBuilder out;

    public GrammarGenerator(Grammar grammar, long seed, int maxDepth, int budget) {
        this.grammar = grammar;
        this.random = new SplittableRandom(seed);
        this.maxDepth = maxDepth;
        this.budget = budget;
        for (String name : grammar.rules().keySet()) {
            minRuleLength.put(name, Integer.MAX_VALUE / 4);
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<String, Expr> e : grammar.rules().entrySet()) {
                int len = minLength(e.getValue());
                if (len < minRuleLength.get(e.getKey())) {
                    minRuleLength.put(e.getKey(), len);
                    changed = true;
                }
            }
        }
    }

    public String next() {
        out = new StringBuilder();
        generate(grammar.rules().get(grammar.root()), 0);
        return out.toString();
    }

    private boolean pressed(int depth) {
        return depth > maxDepth || out.length() > budget;
    }

    private void generate(Expr e, int depth) {
        switch (e) {
            case Expr.Literal l -> out.append(l.text());
            case Expr.Chars c -> out.appendCodePoint(pick(c.chars()));
            case Expr.Ref r -> generate(grammar.rules().get(r.name()), depth + 1);
            case Expr.Sequence s -> s.items().forEach(i -> generate(i, depth));
            case Expr.Choice c -> {
                List<Expr> alts = c.alternatives();
                Expr chosen = alts.get(random.nextInt(alts.size()));
                if (pressed(depth)) {
                    for (Expr a : alts) {
                        if (minLength(a) < minLength(chosen)) {
                            chosen = a;
                        }
                    }
                }
                generate(chosen, depth + 1);
            }
            case Expr.Repeat r -> {
                int extra = r.max() == Expr.Repeat.UNBOUNDED ? 4 : Math.min(r.max() - r.min(), 4);
                int n = r.min() + (pressed(depth) || extra == 0 ? 0 : random.nextInt(extra + 1));
                for (int i = 0; i < n; i++) {
                    generate(r.item(), depth + 1);
                }
            }
        }
    }

    private int pick(CharClass c) {
        if (random.nextInt(3) == 0) {
            int s = SAMPLES[random.nextInt(SAMPLES.length)];
            if (c.matches(s)) {
                return s;
            }
        }
        for (int tries = 0; tries < 50; tries++) {
            int i = random.nextInt(c.rangeCount());
            int lo = c.rangeStart(i);
            int hi = Math.min(c.rangeEnd(i), lo + 200);
            int cp = lo + random.nextInt(hi - lo + 1);
            if (cp < 0xD800 || cp > 0xDFFF) {
                return cp;
            }
        }
        throw new IllegalStateException("no character to draw from " + c);
    }

    private int minLength(Expr e) {
        return switch (e) {
            case Expr.Literal l -> l.text().length();
            case Expr.Chars c -> 1;
            case Expr.Ref r -> minRuleLength.get(r.name());
            case Expr.Sequence s -> Math.min(Integer.MAX_VALUE / 4, s.items().stream().mapToInt(this::minLength).sum());
            case Expr.Choice c -> c.alternatives().stream().mapToInt(this::minLength).min().orElseThrow();
            case Expr.Repeat r -> (int) Math.min(Integer.MAX_VALUE / 4, (long) r.min() * minLength(r.item()));
        };
    }
}
