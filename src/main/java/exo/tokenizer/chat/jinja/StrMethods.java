package exo.tokenizer.chat.jinja;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The methods of Python's str, as a template calls them ({@code content.strip()}, {@code name.split('.')}). */
final class StrMethods {
    /** Every method a str has in Python 3.11, so that {@code s.x is defined} answers as jinja2 does. */
    static final Set<String> NAMES = Set.of("capitalize", "casefold", "center", "count", "encode", "endswith",
            "expandtabs", "find", "format", "format_map", "index", "isalnum", "isalpha", "isascii", "isdecimal",
            "isdigit", "isidentifier", "islower", "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join",
            "ljust", "lower", "lstrip", "maketrans", "partition", "removeprefix", "removesuffix", "replace", "rfind",
            "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip",
            "swapcase", "title", "translate", "upper", "zfill");

    private StrMethods() {
    }

    /** The bound method s.name, or MISSING when str has no such method. */
    static Object attribute(String s, String name) {
        if (!NAMES.contains(name)) {
            return Py.MISSING;
        }
        return PyCallable.of("builtin_function_or_method", (r, args, kwargs) -> call(r, s, name, args, kwargs));
    }

    static Object call(Renderer r, String s, String name, List<Object> a, Map<String, Object> k) {
        String fn = "str." + name;
        switch (name) {
            case "startswith", "endswith" -> {
                Object[] p = Params.positional(fn, a, k, "prefix", Params.REQUIRED, "start", null, "end", null);
                String part = new PySlice(p[1], p[2], null).apply(s);
                boolean starts = name.equals("startswith");
                if (p[0] instanceof PyTuple t) {
                    for (Object o : t) {
                        String x = Params.text(fn, o);
                        if (starts ? part.startsWith(x) : part.endsWith(x)) {
                            return true;
                        }
                    }
                    return false;
                }
                if (!Py.isText(p[0])) {
                    throw TemplateException.typeError(name + " first arg must be str or a tuple of str, not "
                            + Py.typeName(p[0]));
                }
                return starts ? part.startsWith(Py.text(p[0])) : part.endsWith(Py.text(p[0]));
            }
            case "strip", "lstrip", "rstrip" -> {
                Object[] p = Params.positional(fn, a, k, "chars", null);
                String chars = Params.textOrNone(fn, p[0]);
                return switch (name) {
                    case "strip" -> PyString.strip(s, chars);
                    case "lstrip" -> PyString.lstrip(s, chars);
                    default -> PyString.rstrip(s, chars);
                };
            }
            case "split", "rsplit" -> {
                Object[] p = Params.bind(fn, a, k, "sep", null, "maxsplit", -1L);
                String sep = Params.textOrNone(fn, p[0]);
                long max = Params.integer(fn, p[1]);
                return name.equals("split") ? PyString.split(s, sep, max) : PyString.rsplit(s, sep, max);
            }
            case "splitlines" -> {
                Object[] p = Params.bind(fn, a, k, "keepends", false);
                return PyString.splitlines(s, Py.truthy(p[0]));
            }
            case "replace" -> {
                Object[] p = Params.positional(fn, a, k, "old", Params.REQUIRED, "new", Params.REQUIRED, "count", -1L);
                return PyString.replace(s, Params.text(fn, p[0]), Params.text(fn, p[1]), Params.integer(fn, p[2]));
            }
            case "upper" -> {
                Params.positional(fn, a, k);
                return PyString.upper(s);
            }
            case "lower" -> {
                Params.positional(fn, a, k);
                return PyString.lower(s);
            }
            case "casefold" -> {
                Params.positional(fn, a, k);
                return s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
            }
            case "title" -> {
                Params.positional(fn, a, k);
                return PyString.title(s);
            }
            case "capitalize" -> {
                Params.positional(fn, a, k);
                return PyString.capitalize(s);
            }
            case "swapcase" -> {
                Params.positional(fn, a, k);
                return PyString.swapcase(s);
            }
            case "find", "rfind", "index", "rindex", "count" -> {
                Object[] p = Params.positional(fn, a, k, "sub", Params.REQUIRED, "start", null, "end", null);
                return find(fn, name, s, Params.text(fn, p[0]), p[1], p[2]);
            }
            case "join" -> {
                Params.positional(fn, a, k, "iterable", Params.REQUIRED);
                StringBuilder b = new StringBuilder();
                int i = 0;
                for (Iterator<Object> it = Py.iterate(a.get(0)); it.hasNext(); i++) {
                    Object item = it.next();
                    if (!Py.isText(item)) {
                        throw TemplateException.typeError("sequence item " + i + ": expected str instance, "
                                + Py.typeName(item) + " found");
                    }
                    if (i > 0) {
                        b.append(s);
                    }
                    b.append(Py.text(item));
                }
                return b.toString();
            }
            case "format" -> {
                return PyFormat.format(s, a, k);
            }
            case "center", "ljust", "rjust" -> {
                Object[] p = Params.positional(fn, a, k, "width", Params.REQUIRED, "fillchar", " ");
                String fill = Params.text(fn, p[1]);
                if (PyString.length(fill) != 1) {
                    throw TemplateException.typeError("The fill character must be exactly one character long");
                }
                char align = name.equals("center") ? '^' : name.equals("ljust") ? '<' : '>';
                return PyString.pad(s, Params.integer(fn, p[0]), align, fill);
            }
            case "zfill" -> {
                Object[] p = Params.positional(fn, a, k, "width", Params.REQUIRED);
                long width = Params.integer(fn, p[0]);
                int len = PyString.length(s);
                if (width <= len) {
                    return s;
                }
                String zeros = "0".repeat((int) (width - len));
                if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
                    return s.charAt(0) + zeros + s.substring(1);
                }
                return zeros + s;
            }
            case "partition", "rpartition" -> {
                Object[] p = Params.positional(fn, a, k, "sep", Params.REQUIRED);
                String sep = Params.text(fn, p[0]);
                if (sep.isEmpty()) {
                    throw TemplateException.valueError("empty separator");
                }
                int i = name.equals("partition") ? s.indexOf(sep) : s.lastIndexOf(sep);
                if (i < 0) {
                    return name.equals("partition") ? new PyTuple(s, "", "") : new PyTuple("", "", s);
                }
                return new PyTuple(s.substring(0, i), sep, s.substring(i + sep.length()));
            }
            case "removeprefix" -> {
                String x = Params.text(fn, Params.positional(fn, a, k, "prefix", Params.REQUIRED)[0]);
                return s.startsWith(x) ? s.substring(x.length()) : s;
            }
            case "removesuffix" -> {
                String x = Params.text(fn, Params.positional(fn, a, k, "suffix", Params.REQUIRED)[0]);
                return !x.isEmpty() && s.endsWith(x) ? s.substring(0, s.length() - x.length()) : s;
            }
            case "expandtabs" -> {
                long size = Params.integer(fn, Params.bind(fn, a, k, "tabsize", 8L)[0]);
                StringBuilder b = new StringBuilder();
                int column = 0;
                for (Object c : PyString.chars(s)) {
                    String ch = (String) c;
                    if (ch.equals("\t")) {
                        int n = size > 0 ? (int) (size - column % size) : 0;
                        b.append(" ".repeat(n));
                        column += n;
                    } else {
                        b.append(ch);
                        column = ch.equals("\n") || ch.equals("\r") ? 0 : column + 1;
                    }
                }
                return b.toString();
            }
            case "isalnum", "isalpha", "isdigit", "isdecimal", "isnumeric", "isspace", "islower", "isupper",
                 "istitle", "isascii", "isidentifier", "isprintable" -> {
                Params.positional(fn, a, k);
                return predicate(name, s);
            }
            default -> throw TemplateException.unsupported("str." + name + "()");
        }
    }

    private static Object find(String fn, String name, String s, String sub, Object start, Object end) {
        long[] ix = new PySlice(start, end, null).indices(PyString.length(s));
        long from = ix[0];
        long to = Math.max(ix[0], ix[1]);
        if (start != null && Py.asLong(start) > PyString.length(s)) {
            return switch (name) {
                case "count" -> 0L;
                case "index", "rindex" -> throw TemplateException.valueError("substring not found");
                default -> -1L;
            };
        }
        String window = PyString.substring(s, (int) from, (int) to);
        if (name.equals("count")) {
            if (sub.isEmpty()) {
                return (long) PyString.length(window) + 1;
            }
            long n = 0;
            for (int i = window.indexOf(sub); i >= 0; i = window.indexOf(sub, i + sub.length())) {
                n++;
            }
            return n;
        }
        int at = name.startsWith("r") ? window.lastIndexOf(sub) : window.indexOf(sub);
        if (at < 0) {
            if (name.endsWith("index")) {
                throw TemplateException.valueError("substring not found");
            }
            return -1L;
        }
        return from + PyString.index(window, at);
    }

    private static boolean predicate(String name, String s) {
        if (name.equals("islower")) {
            return PyString.isCase(s, false);
        }
        if (name.equals("isupper")) {
            return PyString.isCase(s, true);
        }
        if (name.equals("istitle")) {
            return PyString.istitle(s);
        }
        if (name.equals("isascii")) {
            return s.chars().allMatch(c -> c < 128);
        }
        if (name.equals("isprintable")) {
            return s.codePoints().allMatch(PyString::printable);
        }
        if (s.isEmpty()) {
            return false;
        }
        if (name.equals("isidentifier")) {
            int first = s.codePointAt(0);
            return (first == '_' || Character.isLetter(first))
                    && s.codePoints().allMatch(c -> c == '_' || Character.isLetterOrDigit(c));
        }
        return s.codePoints().allMatch(c -> switch (name) {
            case "isalnum" -> Character.isLetterOrDigit(c) || Character.getType(c) == Character.LETTER_NUMBER
                    || Character.getType(c) == Character.OTHER_NUMBER;
            case "isalpha" -> Character.isLetter(c);
            case "isdigit" -> Character.isDigit(c) || Character.getType(c) == Character.OTHER_NUMBER;
            case "isdecimal" -> Character.isDigit(c);
            case "isnumeric" -> Character.isDigit(c) || Character.getType(c) == Character.LETTER_NUMBER
                    || Character.getType(c) == Character.OTHER_NUMBER;
            default -> c < 0x10000 && Py.isSpace((char) c);
        });
    }
}
