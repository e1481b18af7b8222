package exo.grammar;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A context-free grammar over Unicode code points in the spirit of llama.cpp's GBNF: named
 * rules, each an {@link Expr}, and the rule generation starts from. Immutable; every rule a
 * rule refers to is defined. Parse GBNF text with {@link #parse(String)}, print with
 * {@link #toGbnf()}, and compile for matching with {@link #compile()}.
 */
public final class Grammar {
    private final Map<String, Expr> rules;
    private final String root;

    public Grammar(Map<String, Expr> rules, String root) {
        this.rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
        this.root = root;
        if (!this.rules.containsKey(root)) {
            throw new GrammarException("the grammar has no rule '" + root + "' to start from");
        }
        for (Map.Entry<String, Expr> e : this.rules.entrySet()) {
            checkRefs(e.getKey(), e.getValue());
        }
    }

    /** Parses GBNF text (llama.cpp's grammar syntax), starting from rule {@code root}. */
    public static Grammar parse(String gbnf) {
        return parse(gbnf, "root");
    }

    public static Grammar parse(String gbnf, String root) {
        return new Grammar(new GbnfParser(gbnf).parse(), root);
    }

    public Map<String, Expr> rules() {
        return rules;
    }

    public String root() {
        return root;
    }

    /** The same rules starting from another one. */
    public Grammar withRoot(String newRoot) {
        return new Grammar(rules, newRoot);
    }

    /** The grammar as GBNF text, one rule a line, the root first. */
    public String toGbnf() {
        StringBuilder sb = new StringBuilder();
        List<String> names = new ArrayList<>(rules.keySet());
        names.remove(root);
        names.addFirst(root);
        for (String name : names) {
            sb.append(name).append(" ::= ").append(rules.get(name).toGbnf()).append('\n');
        }
        return sb.toString();
    }

    /** The grammar in the flat form the matcher walks; checks it has no left recursion. */
    public CompiledGrammar compile() {
        return CompiledGrammar.of(this);
    }

    private void checkRefs(String rule, Expr e) {
        switch (e) {
            case Expr.Ref r -> {
                if (!rules.containsKey(r.name())) {
                    throw new GrammarException("rule '" + rule + "' refers to undefined rule '" + r.name() + "'");
                }
            }
            case Expr.Sequence s -> s.items().forEach(i -> checkRefs(rule, i));
            case Expr.Choice c -> c.alternatives().forEach(i -> checkRefs(rule, i));
            case Expr.Repeat r -> checkRefs(rule, r.item());
            case Expr.Literal l -> {
            }
            case Expr.Chars c -> {
            }
        }
    }

    @Override
    public String toString() {
        return toGbnf();
    }
}
