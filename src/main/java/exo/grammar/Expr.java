package exo.grammar;

import java.util.List;
import java.util.Objects;

/**
 * One expression of a grammar rule, as GBNF writes it: a literal, a character class, a
 * reference to a rule, a sequence, alternatives, or a repetition.
 */
public sealed interface Expr {
    /** The expression as GBNF text (parenthesised where it has to be). */
    String toGbnf();

    /** A literal string, matched code point by code point. The empty literal matches nothing, i.e. always. */
    record Literal(String text) implements Expr {
        public Literal {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String toGbnf() {
            return Gbnf.quote(text);
        }
    }

    /** One code point from a class. */
    record Chars(CharClass chars) implements Expr {
        public Chars {
            Objects.requireNonNull(chars, "chars");
        }

        @Override
        public String toGbnf() {
            return chars.toGbnf();
        }
    }

    /** A reference to the rule named {@code name}. */
    record Ref(String name) implements Expr {
        public Ref {
            if (!Gbnf.isRuleName(name)) {
                throw new IllegalArgumentException("not a rule name: '" + name + "'");
            }
        }

        @Override
        public String toGbnf() {
            return name;
        }
    }

    /** Items one after the other; empty means the empty string. */
    record Sequence(List<Expr> items) implements Expr {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String toGbnf() {
            if (items.isEmpty()) {
                return "\"\"";
            }
            StringBuilder sb = new StringBuilder();
            for (Expr e : items) {
                if (!sb.isEmpty()) {
                    sb.append(' ');
                }
                sb.append(e instanceof Choice ? "(" + e.toGbnf() + ")" : e.toGbnf());
            }
            return sb.toString();
        }
    }

    /** Alternatives; at least one. */
    record Choice(List<Expr> alternatives) implements Expr {
        public Choice {
            alternatives = List.copyOf(alternatives);
            if (alternatives.isEmpty()) {
                throw new IllegalArgumentException("a choice needs at least one alternative");
            }
        }

        @Override
        public String toGbnf() {
            StringBuilder sb = new StringBuilder();
            for (Expr e : alternatives) {
                if (!sb.isEmpty()) {
                    sb.append(" | ");
                }
                sb.append(e.toGbnf());
            }
            return sb.toString();
        }
    }

    /** {@code item} between {@code min} and {@code max} times; {@code max} {@link #UNBOUNDED} for no limit. */
    record Repeat(Expr item, int min, int max) implements Expr {
        public static final int UNBOUNDED = -1;

        public Repeat {
            Objects.requireNonNull(item, "item");
            if (min < 0 || (max != UNBOUNDED && max < min)) {
                throw new IllegalArgumentException("bad repetition {" + min + "," + max + "}");
            }
        }

        @Override
        public String toGbnf() {
            String inner = item instanceof Sequence || item instanceof Choice || item instanceof Repeat
                    ? "(" + item.toGbnf() + ")" : item.toGbnf();
            if (min == 0 && max == UNBOUNDED) {
                return inner + "*";
            }
            if (min == 1 && max == UNBOUNDED) {
                return inner + "+";
            }
            if (min == 0 && max == 1) {
                return inner + "?";
            }
            if (min == max) {
                return inner + "{" + min + "}";
            }
            return inner + "{" + min + "," + (max == UNBOUNDED ? "" : Integer.toString(max)) + "}";
        }
    }
}
