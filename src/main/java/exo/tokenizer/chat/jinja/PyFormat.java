package exo.tokenizer.chat.jinja;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Python's string formatting: {@code "%s" % x} (printf style) and {@code str.format} with its format-spec mini-language. */
final class PyFormat {
    private PyFormat() {
    }

    // ---- printf style ----

    static String percent(String format, Object args) {
        return percent(format, args, false);
    }

    /** @param escape HTML-escape what %s and %r insert, as Markup's % does */
    static String percent(String format, Object args, boolean escape) {
        List<?> values = args instanceof PyTuple t ? t : null;
        Map<?, ?> mapping = args instanceof Map<?, ?> m && values == null ? m : null;
        int next = 0;
        boolean usedSingle = false;
        StringBuilder out = new StringBuilder();
        int n = format.length();
        for (int i = 0; i < n; i++) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (++i >= n) {
                throw TemplateException.valueError("incomplete format");
            }
            Object key = null;
            if (format.charAt(i) == '(') {
                int close = format.indexOf(')', i);
                if (close < 0) {
                    throw TemplateException.valueError("incomplete format key");
                }
                if (mapping == null) {
                    throw TemplateException.typeError("format requires a mapping");
                }
                key = format.substring(i + 1, close);
                i = close + 1;
            }
            StringBuilder flags = new StringBuilder();
            while (i < n && "-+ #0".indexOf(format.charAt(i)) >= 0) {
                flags.append(format.charAt(i++));
            }
            int width = -1;
            if (i < n && format.charAt(i) == '*') {
                width = (int) Params.integer("%*", values != null && next < values.size() ? values.get(next++) : null);
                i++;
            } else {
                int start = i;
                while (i < n && Character.isDigit(format.charAt(i))) {
                    i++;
                }
                width = start < i ? Integer.parseInt(format.substring(start, i)) : -1;
            }
            int precision = -1;
            if (i < n && format.charAt(i) == '.') {
                i++;
                if (i < n && format.charAt(i) == '*') {
                    precision = (int) Params.integer("%.*", values != null && next < values.size() ? values.get(next++)
                            : null);
                    i++;
                } else {
                    int start = i;
                    while (i < n && Character.isDigit(format.charAt(i))) {
                        i++;
                    }
                    precision = start < i ? Integer.parseInt(format.substring(start, i)) : 0;
                }
            }
            while (i < n && "hlL".indexOf(format.charAt(i)) >= 0) {
                i++;
            }
            if (i >= n) {
                throw TemplateException.valueError("incomplete format");
            }
            char conversion = format.charAt(i);
            if (conversion == '%') {
                out.append('%');
                continue;
            }
            Object value;
            if (key != null) {
                value = Py.dictGet(mapping, key);
                if (value == Py.MISSING) {
                    throw new TemplateException("KeyError", Py.repr(key));
                }
            } else if (values != null) {
                if (next >= values.size()) {
                    throw TemplateException.typeError("not enough arguments for format string");
                }
                value = values.get(next++);
            } else {
                if (usedSingle) {
                    throw TemplateException.typeError("not enough arguments for format string");
                }
                usedSingle = true;
                value = args;
            }
            String f = flags.toString();
            String body = switch (conversion) {
                case 's' -> escape ? Markup.escape(Py.str(value)).text() : Py.str(value);
                case 'r', 'a' -> escape ? Markup.escape(Py.repr(value)).text() : Py.repr(value);
                case 'd', 'i', 'u' -> Long.toString(toInteger(conversion, value));
                case 'x' -> withPrefix(f, "0x", Long.toHexString(toInteger(conversion, value)));
                case 'X' -> withPrefix(f, "0X", Long.toHexString(toInteger(conversion, value)).toUpperCase(Locale.ROOT));
                case 'o' -> withPrefix(f, "0o", Long.toOctalString(toInteger(conversion, value)));
                case 'e', 'E', 'f', 'F', 'g', 'G' -> floatBody(conversion, toReal(conversion, value),
                        precision < 0 ? 6 : precision, f.contains("#"));
                case 'c' -> Py.isInt(value) ? Character.toString((int) Py.asLong(value)) : Py.str(value);
                default -> throw TemplateException.valueError("unsupported format character " + Py.repr(
                        String.valueOf(conversion)) + " (0x" + Integer.toHexString(conversion) + ") at index " + i);
            };
            if ((conversion == 's' || conversion == 'r' || conversion == 'a') && precision >= 0
                    && PyString.length(body) > precision) {
                body = PyString.substring(body, 0, precision);
            }
            boolean numeric = "diuxXoeEfFgG".indexOf(conversion) >= 0;
            if (numeric && !body.startsWith("-")) {
                body = f.contains("+") ? "+" + body : f.contains(" ") ? " " + body : body;
            }
            out.append(padPrintf(body, width, f, numeric));
        }
        if (values != null && next < values.size()) {
            throw TemplateException.typeError("not all arguments converted during string formatting");
        }
        if (values == null && mapping == null && !usedSingle) {
            throw TemplateException.typeError("not all arguments converted during string formatting");
        }
        return out.toString();
    }

    private static String withPrefix(String flags, String prefix, String digits) {
        if (!flags.contains("#")) {
            return digits;
        }
        return digits.startsWith("-") ? "-" + prefix + digits.substring(1) : prefix + digits;
    }

    private static String padPrintf(String body, int width, String flags, boolean numeric) {
        int len = PyString.length(body);
        if (width <= len) {
            return body;
        }
        String pad;
        if (flags.contains("-")) {
            return body + " ".repeat(width - len);
        }
        if (flags.contains("0") && numeric) {
            int signEnd = body.startsWith("-") || body.startsWith("+") || body.startsWith(" ") ? 1 : 0;
            pad = "0".repeat(width - len);
            return body.substring(0, signEnd) + pad + body.substring(signEnd);
        }
        return " ".repeat(width - len) + body;
    }

    private static long toInteger(char conversion, Object v) {
        if (Py.isInt(v)) {
            return Py.asLong(v);
        }
        if (v instanceof Double d) {
            return (long) (double) d;
        }
        throw TemplateException.typeError("%" + conversion + " format: a real number is required, not " + Py.typeName(v));
    }

    private static double toReal(char conversion, Object v) {
        if (Py.isNumber(v)) {
            return Py.asDouble(v);
        }
        throw TemplateException.typeError("must be real number, not " + Py.typeName(v));
    }

    /** C's %e %f %g for a double, with Python's spelling of inf and nan. */
    static String floatBody(char type, double x, int precision, boolean alternate) {
        boolean upper = Character.isUpperCase(type);
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            String s = Double.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
            return upper ? s.toUpperCase(Locale.ROOT) : s;
        }
        String s = switch (Character.toLowerCase(type)) {
            case 'f' -> fixed(x, precision);
            case 'e' -> exponent(x, precision);
            default -> general(x, precision, alternate);
        };
        return upper ? s.toUpperCase(Locale.ROOT) : s;
    }

    static String fixed(double x, int precision) {
        String s = new BigDecimal(x).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        if (x < 0 || (x == 0 && 1 / x < 0)) {
            return s.startsWith("-") ? s : "-" + s;
        }
        return s;
    }

    static String exponent(double x, int precision) {
        if (x == 0) {
            String zeros = precision > 0 ? "." + "0".repeat(precision) : "";
            return (1 / x < 0 ? "-" : "") + "0" + zeros + "e+00";
        }
        BigDecimal d = new BigDecimal(x).round(new java.math.MathContext(precision + 1, RoundingMode.HALF_EVEN));
        String digits = d.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - d.scale();
        digits = (digits + "0".repeat(precision + 1)).substring(0, precision + 1);
        StringBuilder b = new StringBuilder(x < 0 ? "-" : "");
        b.append(digits.charAt(0));
        if (precision > 0) {
            b.append('.').append(digits, 1, digits.length());
        }
        b.append(exp < 0 ? "e-" : "e+");
        String e = Integer.toString(Math.abs(exp));
        return b.append(e.length() < 2 ? "0" + e : e).toString();
    }

    private static String general(double x, int precision, boolean alternate) {
        int p = precision == 0 ? 1 : precision;
        if (x == 0) {
            return (1 / x < 0 ? "-" : "") + (alternate ? "0." + "0".repeat(p - 1) : "0");
        }
        String e = exponent(x, p - 1);
        int exp = Integer.parseInt(e.substring(e.indexOf('e') + 1));
        String s = exp >= -4 && exp < p ? fixed(x, p - 1 - exp) : e;
        if (alternate) {
            return s;
        }
        int ePos = s.indexOf('e');
        String mantissa = ePos >= 0 ? s.substring(0, ePos) : s;
        String suffix = ePos >= 0 ? s.substring(ePos) : "";
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "");
            if (mantissa.endsWith(".")) {
                mantissa = mantissa.substring(0, mantissa.length() - 1);
            }
        }
        return mantissa + suffix;
    }

    // ---- str.format ----

    static String format(String format, List<Object> args, Map<String, Object> kwargs) {
        StringBuilder out = new StringBuilder();
        int[] auto = {0};
        int n = format.length();
        for (int i = 0; i < n; i++) {
            char c = format.charAt(i);
            if (c == '}') {
                if (i + 1 < n && format.charAt(i + 1) == '}') {
                    out.append('}');
                    i++;
                    continue;
                }
                throw TemplateException.valueError("Single '}' encountered in format string");
            }
            if (c != '{') {
                out.append(c);
                continue;
            }
            if (i + 1 < n && format.charAt(i + 1) == '{') {
                out.append('{');
                i++;
                continue;
            }
            int depth = 1;
            int j = i + 1;
            while (j < n && depth > 0) {
                char d = format.charAt(j);
                depth += d == '{' ? 1 : d == '}' ? -1 : 0;
                j++;
            }
            if (depth != 0) {
                throw TemplateException.valueError("expected '}' before end of string");
            }
            out.append(field(format.substring(i + 1, j - 1), args, kwargs, auto));
            i = j - 1;
        }
        return out.toString();
    }

    private static String field(String field, List<Object> args, Map<String, Object> kwargs, int[] auto) {
        String spec = "";
        char conversion = 0;
        int colon = -1;
        int bracket = 0;
        for (int k = 0; k < field.length(); k++) {
            char c = field.charAt(k);
            bracket += c == '[' ? 1 : c == ']' ? -1 : 0;
            if (c == ':' && bracket == 0) {
                colon = k;
                break;
            }
        }
        String name = field;
        if (colon >= 0) {
            spec = format(field.substring(colon + 1), args, kwargs);
            name = field.substring(0, colon);
        }
        int bang = name.indexOf('!');
        if (bang >= 0) {
            String conv = name.substring(bang + 1);
            if (conv.length() != 1 || "rsa".indexOf(conv.charAt(0)) < 0) {
                throw TemplateException.valueError("Unknown conversion specifier " + conv);
            }
            conversion = conv.charAt(0);
            name = name.substring(0, bang);
        }
        int end = 0;
        while (end < name.length() && name.charAt(end) != '.' && name.charAt(end) != '[') {
            end++;
        }
        String first = name.substring(0, end);
        Object value;
        if (first.isEmpty()) {
            if (auto[0] < 0) {
                throw TemplateException.valueError("cannot switch from manual field specification to automatic field "
                        + "numbering");
            }
            value = positional(args, auto[0]++);
        } else if (first.chars().allMatch(Character::isDigit)) {
            auto[0] = -1;
            value = positional(args, Integer.parseInt(first));
        } else {
            if (!kwargs.containsKey(first)) {
                throw new TemplateException("KeyError", Py.repr(first));
            }
            value = kwargs.get(first);
        }
        int k = end;
        while (k < name.length()) {
            if (name.charAt(k) == '.') {
                int e = k + 1;
                while (e < name.length() && name.charAt(e) != '.' && name.charAt(e) != '[') {
                    e++;
                }
                value = Access.getattr(value, name.substring(k + 1, e));
                k = e;
            } else {
                int close = name.indexOf(']', k);
                String key = name.substring(k + 1, close);
                value = Access.getitem(value, key.chars().allMatch(Character::isDigit) && !key.isEmpty()
                        ? (Object) Long.parseLong(key) : key);
                k = close + 1;
            }
        }
        if (conversion == 's') {
            value = Py.str(value);
        } else if (conversion == 'r' || conversion == 'a') {
            value = Py.repr(value);
        }
        return formatValue(value, spec);
    }

    private static Object positional(List<Object> args, int index) {
        if (index >= args.size()) {
            throw new TemplateException("IndexError", "Replacement index " + index + " out of range for positional "
                    + "args tuple");
        }
        return args.get(index);
    }

    /** Python's format(value, spec). */
    static String formatValue(Object value, String spec) {
        if (spec.isEmpty()) {
            return Py.str(value);
        }
        Spec s = Spec.parse(spec);
        if (Py.isText(value)) {
            if (s.type != 0 && s.type != 's') {
                throw TemplateException.valueError("Unknown format code '" + s.type + "' for object of type 'str'");
            }
            String text = Py.text(value);
            if (s.precision >= 0 && PyString.length(text) > s.precision) {
                text = PyString.substring(text, 0, s.precision);
            }
            return s.pad(text, '<');
        }
        if (value instanceof Boolean && s.type == 0) {
            return s.pad(Py.str(value), '<');
        }
        if (Py.isInt(value) && "eEfFgG%".indexOf(s.type == 0 ? 'd' : s.type) < 0) {
            long v = Py.asLong(value);
            String digits = switch (s.type) {
                case 0, 'd', 'n' -> Long.toString(Math.abs(v));
                case 'x' -> Long.toHexString(Math.abs(v));
                case 'X' -> Long.toHexString(Math.abs(v)).toUpperCase(Locale.ROOT);
                case 'o' -> Long.toOctalString(Math.abs(v));
                case 'b' -> Long.toBinaryString(Math.abs(v));
                case 'c' -> Character.toString((int) v);
                default -> throw TemplateException.valueError("Unknown format code '" + s.type
                        + "' for object of type 'int'");
            };
            if (s.alternate && "xXob".indexOf(s.type) >= 0) {
                digits = "0" + s.type + digits;
            }
            return s.number(v < 0, group(digits, s.grouping));
        }
        if (Py.isNumber(value)) {
            double d = Py.asDouble(value);
            char type = s.type == 0 ? (s.precision >= 0 ? 'g' : 'r') : s.type;
            String body;
            if (type == 'r') {
                body = Py.floatRepr(Math.abs(d));
            } else if (type == '%') {
                body = fixed(Math.abs(d) * 100, s.precision < 0 ? 6 : s.precision) + "%";
            } else if ("eEfFgG".indexOf(type) >= 0) {
                body = floatBody(type, Math.abs(d), s.precision < 0 ? 6 : s.precision, s.alternate);
            } else {
                throw TemplateException.valueError("Unknown format code '" + type + "' for object of type 'float'");
            }
            int dot = body.indexOf('.');
            int intEnd = dot >= 0 ? dot : body.length();
            for (int i = 0; i < body.length(); i++) {
                if (!Character.isDigit(body.charAt(i))) {
                    intEnd = Math.min(intEnd, i);
                    break;
                }
            }
            body = group(body.substring(0, intEnd), s.grouping) + body.substring(intEnd);
            return s.number(d < 0 || (d == 0 && 1 / d < 0), body);
        }
        throw TemplateException.typeError("unsupported format string passed to " + Py.typeName(value) + ".__format__");
    }

    private static String group(String digits, char grouping) {
        if (grouping == 0 || digits.length() <= 3 || !digits.chars().allMatch(Character::isDigit)) {
            return digits;
        }
        StringBuilder b = new StringBuilder();
        int first = digits.length() % 3;
        b.append(digits, 0, first);
        for (int i = first; i < digits.length(); i += 3) {
            if (b.length() > 0) {
                b.append(grouping);
            }
            b.append(digits, i, i + 3);
        }
        return b.toString();
    }

    /** [[fill]align][sign][#][0][width][grouping][.precision][type] */
    private record Spec(String fill, char align, char sign, boolean alternate, int width, char grouping, int precision,
                        char type) {
        static Spec parse(String spec) {
            int i = 0;
            String fill = " ";
            char align = 0;
            if (spec.length() >= 2 && "<>=^".indexOf(spec.charAt(1)) >= 0) {
                fill = spec.substring(0, 1);
                align = spec.charAt(1);
                i = 2;
            } else if (!spec.isEmpty() && "<>=^".indexOf(spec.charAt(0)) >= 0) {
                align = spec.charAt(0);
                i = 1;
            }
            char sign = 0;
            if (i < spec.length() && "+- ".indexOf(spec.charAt(i)) >= 0) {
                sign = spec.charAt(i++);
            }
            boolean alternate = false;
            if (i < spec.length() && spec.charAt(i) == '#') {
                alternate = true;
                i++;
            }
            if (i < spec.length() && spec.charAt(i) == '0') {
                if (align == 0) {
                    fill = "0";
                    align = '=';
                }
                i++;
            }
            int start = i;
            while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
                i++;
            }
            int width = start < i ? Integer.parseInt(spec.substring(start, i)) : -1;
            char grouping = 0;
            if (i < spec.length() && (spec.charAt(i) == ',' || spec.charAt(i) == '_')) {
                grouping = spec.charAt(i++);
            }
            int precision = -1;
            if (i < spec.length() && spec.charAt(i) == '.') {
                start = ++i;
                while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
                    i++;
                }
                if (start == i) {
                    throw TemplateException.valueError("Format specifier missing precision");
                }
                precision = Integer.parseInt(spec.substring(start, i));
            }
            char type = 0;
            if (i < spec.length()) {
                type = spec.charAt(i++);
            }
            if (i != spec.length()) {
                throw TemplateException.valueError("Invalid format specifier '" + spec + "'");
            }
            return new Spec(fill, align, sign, alternate, width, grouping, precision, type);
        }

        String pad(String text, char defaultAlign) {
            char a = align == 0 ? defaultAlign : align;
            return PyString.pad(text, width, a == '=' ? '>' : a, fill);
        }

        String number(boolean negative, String body) {
            String signText = negative ? "-" : sign == '+' ? "+" : sign == ' ' ? " " : "";
            char a = align == 0 ? '>' : align;
            if (a == '=') {
                int len = PyString.length(signText + body);
                return signText + (width > len ? fill.repeat(width - len) : "") + body;
            }
            return PyString.pad(signText + body, width, a, fill);
        }
    }
}
