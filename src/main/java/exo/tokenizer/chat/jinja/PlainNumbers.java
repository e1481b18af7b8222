package exo.tokenizer.chat.jinja;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A caller's Java number as a template number: integers as Long, other numbers as Double, as
 * JSON has them. Chat input is checked by the same rule before it reaches a template.
 */
public final class PlainNumbers {
    private PlainNumbers() {
    }

    /** Whether {@code n} has a template form: not an integer beyond 64 bits, nor a number type of its own. */
    public static boolean fits(Number n) {
        return of(n) != null;
    }

    /** {@code n} as Long or Double; null when it does not {@link #fits fit}. */
    public static Object of(Number n) {
        return switch (n) {
            case Long l -> l;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case BigInteger b when b.bitLength() < 64 -> b.longValue();
            case Double d -> d;
            case Float f -> f.doubleValue();
            case BigDecimal d -> d.doubleValue();
            default -> null;
        };
    }
}
