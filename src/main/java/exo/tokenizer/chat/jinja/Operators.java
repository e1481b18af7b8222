package exo.tokenizer.chat.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's arithmetic on template values: int stays int (an overflow past 64 bits is an error
 * here, where Python would grow the number), {@code /} gives a float, {@code //} and {@code %}
 * round toward negative infinity, {@code +} concatenates str, list and tuple, {@code *} repeats
 * them, {@code %} formats a str, and every mismatch is CPython's TypeError.
 */
final class Operators {
    private Operators() {
    }

    static Object binary(String op, Object a, Object b) {
        if (a instanceof Undefined u) {
            throw u.fail();
        }
        if (b instanceof Undefined u) {
            throw u.fail();
        }
        return switch (op) {
            case "+" -> add(a, b);
            case "-" -> subtract(a, b);
            case "*" -> multiply(a, b);
            case "/" -> divide(a, b);
            case "//" -> floorDivide(a, b);
            case "%" -> modulo(a, b);
            case "**" -> power(a, b);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static TemplateException unsupported(String op, Object a, Object b) {
        return TemplateException.typeError("unsupported operand type(s) for " + op + ": " + Py.repr(Py.typeName(a))
                + " and " + Py.repr(Py.typeName(b)));
    }

    private static TemplateException overflow() {
        return new TemplateException("OverflowError", "integer result beyond 64 bits");
    }

    static Object add(Object a, Object b) {
        if (Py.isNumber(a) && Py.isNumber(b)) {
            if (Py.isInt(a) && Py.isInt(b)) {
                try {
                    return Math.addExact(Py.asLong(a), Py.asLong(b));
                } catch (ArithmeticException e) {
                    throw overflow();
                }
            }
            return Py.asDouble(a) + Py.asDouble(b);
        }
        if (a instanceof Markup m) {
            if (!Py.isText(b)) {
                throw unsupported("+", a, b);
            }
            return new Markup(m.text() + Markup.escape(b).text());
        }
        if (b instanceof Markup m && a instanceof String s) {
            return new Markup(Markup.escape(s).text() + m.text());
        }
        if (a instanceof String s) {
            if (b instanceof String t) {
                return s.concat(t);
            }
            throw TemplateException.typeError("can only concatenate str (not \"" + Py.typeName(b) + "\") to str");
        }
        if (a instanceof PyTuple t) {
            if (!(b instanceof PyTuple u) || b instanceof GroupTuple) {
                throw TemplateException.typeError("can only concatenate tuple (not \"" + Py.typeName(b) + "\") to tuple");
            }
            List<Object> out = new ArrayList<>(t);
            out.addAll(u);
            return PyTuple.copyOf(out);
        }
        if (Py.typeName(a).equals("list")) {
            if (!Py.typeName(b).equals("list")) {
                throw TemplateException.typeError("can only concatenate list (not \"" + Py.typeName(b) + "\") to list");
            }
            List<Object> out = new ArrayList<>((List<?>) a);
            out.addAll((List<?>) b);
            return out;
        }
        throw unsupported("+", a, b);
    }

    private static Object subtract(Object a, Object b) {
        if (Py.isNumber(a) && Py.isNumber(b)) {
            if (Py.isInt(a) && Py.isInt(b)) {
                try {
                    return Math.subtractExact(Py.asLong(a), Py.asLong(b));
                } catch (ArithmeticException e) {
                    throw overflow();
                }
            }
            return Py.asDouble(a) - Py.asDouble(b);
        }
        throw unsupported("-", a, b);
    }

    private static Object multiply(Object a, Object b) {
        if (Py.isNumber(a) && Py.isNumber(b)) {
            if (Py.isInt(a) && Py.isInt(b)) {
                try {
                    return Math.multiplyExact(Py.asLong(a), Py.asLong(b));
                } catch (ArithmeticException e) {
                    throw overflow();
                }
            }
            return Py.asDouble(a) * Py.asDouble(b);
        }
        if (Py.isInt(a) && !Py.isNumber(b)) {
            return multiply(b, a);
        }
        boolean sequence = Py.isText(a) || Py.typeName(a).equals("list") || a instanceof PyTuple;
        if (sequence && b instanceof Double) {
            throw TemplateException.typeError("can't multiply sequence by non-int of type 'float'");
        }
        if (sequence && Py.isInt(b)) {
            long n = Math.max(0, Py.asLong(b));
            if (Py.isText(a)) {
                String s = Py.text(a);
                if (n * s.length() > Integer.MAX_VALUE / 2) {
                    throw new TemplateException("MemoryError", "repeated string too long");
                }
                String out = s.repeat((int) n);
                return a instanceof Markup ? new Markup(out) : out;
            }
            List<?> l = (List<?>) a;
            List<Object> out = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                out.addAll(l);
            }
            return a instanceof PyTuple ? PyTuple.copyOf(out) : out;
        }
        if (sequence) {
            throw TemplateException.typeError("can't multiply sequence by non-int of type " + Py.repr(Py.typeName(b)));
        }
        throw unsupported("*", a, b);
    }

    private static Object divide(Object a, Object b) {
        if (!Py.isNumber(a) || !Py.isNumber(b)) {
            throw unsupported("/", a, b);
        }
        if (Py.asDouble(b) == 0) {
            throw new TemplateException("ZeroDivisionError", Py.isInt(a) && Py.isInt(b) ? "division by zero"
                    : "float division by zero");
        }
        return Py.asDouble(a) / Py.asDouble(b);
    }

    private static Object floorDivide(Object a, Object b) {
        if (!Py.isNumber(a) || !Py.isNumber(b)) {
            throw unsupported("//", a, b);
        }
        if (Py.isInt(a) && Py.isInt(b)) {
            if (Py.asLong(b) == 0) {
                throw new TemplateException("ZeroDivisionError", "integer division or modulo by zero");
            }
            return Math.floorDiv(Py.asLong(a), Py.asLong(b));
        }
        if (Py.asDouble(b) == 0) {
            throw new TemplateException("ZeroDivisionError", "float floor division by zero");
        }
        // CPython's float_divmod
        double x = Py.asDouble(a);
        double y = Py.asDouble(b);
        double mod = x % y;
        double div = (x - mod) / y;
        if (mod != 0 && (y < 0) != (mod < 0)) {
            div -= 1.0;
        }
        if (div == 0) {
            return Math.copySign(0.0, x / y);
        }
        double floor = Math.floor(div);
        return div - floor > 0.5 ? floor + 1.0 : floor;
    }

    /** Python's float %: the result has the divisor's sign. */
    private static double pyFmod(double x, double y) {
        double m = x % y;
        if (m != 0 && (y < 0) != (m < 0)) {
            m += y;
        }
        return m;
    }

    private static Object modulo(Object a, Object b) {
        if (a instanceof Markup m) {
            return new Markup(PyFormat.percent(m.text(), b, true));
        }
        if (a instanceof String s) {
            return PyFormat.percent(s, b, false);
        }
        if (!Py.isNumber(a) || !Py.isNumber(b)) {
            throw unsupported("%", a, b);
        }
        if (Py.isInt(a) && Py.isInt(b)) {
            if (Py.asLong(b) == 0) {
                throw new TemplateException("ZeroDivisionError", "integer modulo by zero");
            }
            return Math.floorMod(Py.asLong(a), Py.asLong(b));
        }
        if (Py.asDouble(b) == 0) {
            throw new TemplateException("ZeroDivisionError", "float modulo");
        }
        return pyFmod(Py.asDouble(a), Py.asDouble(b));
    }

    private static Object power(Object a, Object b) {
        if (!Py.isNumber(a) || !Py.isNumber(b)) {
            throw unsupported("** or pow()", a, b);
        }
        if (Py.isInt(a) && Py.isInt(b) && Py.asLong(b) >= 0) {
            long base = Py.asLong(a);
            long exp = Py.asLong(b);
            if (base == 0 || base == 1) {
                return exp == 0 ? 1L : base;
            }
            if (base == -1) {
                return exp % 2 == 0 ? 1L : -1L;
            }
            long result = 1;
            try {
                for (long i = 0; i < exp; i++) {
                    result = Math.multiplyExact(result, base);
                }
            } catch (ArithmeticException e) {
                throw overflow();
            }
            return result;
        }
        double x = Py.asDouble(a);
        double y = Py.asDouble(b);
        if (x == 0 && y < 0) {
            throw new TemplateException("ZeroDivisionError", "0.0 cannot be raised to a negative power");
        }
        return Math.pow(x, y);
    }

    static Object unary(String op, Object v) {
        if (op.equals("not")) {
            return !Py.truthy(v);
        }
        if (v instanceof Undefined u) {
            throw u.fail();
        }
        if (v instanceof Double d) {
            return op.equals("-") ? -d : d;
        }
        if (Py.isInt(v)) {
            long l = Py.asLong(v);
            if (op.equals("+")) {
                return l;
            }
            if (l == Long.MIN_VALUE) {
                throw overflow();
            }
            return -l;
        }
        throw TemplateException.typeError("bad operand type for unary " + op + ": " + Py.repr(Py.typeName(v)));
    }
}
