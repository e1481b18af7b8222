package exo.tokenizer.chat.jinja;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jinja2's builtin filters (jinja2/filters.py, 3.1) with their parameter names and defaults,
 * and {@code tojson} as transformers defines it (json.dumps with ensure_ascii=False). The
 * filters that return generators in jinja2 (map, select, reject, selectattr, rejectattr, unique,
 * batch, slice, items, reverse) return one here too, with the same consequences (one pass, no
 * length, tojson refuses it). Filters no chat template needs and that depend on Python's
 * libraries (random, urlize, wordwrap, xmlattr, urlencode, striptags) fail as unsupported.
 */
final class Filters {
    static final Set<String> NAMES = Set.of("abs", "attr", "batch", "capitalize", "center", "count", "d", "default",
            "dictsort", "e", "escape", "filesizeformat", "first", "float", "forceescape", "format", "groupby", "indent",
            "int", "join", "last", "length", "list", "lower", "items", "map", "min", "max", "pprint", "random", "reject",
            "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr", "slice", "sort", "string",
            "striptags", "sum", "title", "trim", "truncate", "unique", "upper", "urlencode", "urlize", "wordcount",
            "wordwrap", "xmlattr", "tojson");

    private static final Pattern WORD_BEGINNING = Pattern.compile("([-\\s({\\[<]+)", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WORD = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS);

    private Filters() {
    }

    static Object apply(String name, Object v, List<Object> a, Map<String, Object> k) {
        if (!NAMES.contains(name)) {
            throw TemplateException.runtime("No filter named " + Py.repr(name) + ".");
        }
        String fn = "do_" + name;
        switch (name) {
            case "abs" -> {
                Params.bind(fn, a, k);
                if (v instanceof Double d) {
                    return Math.abs(d);
                }
                if (Py.isInt(v)) {
                    return Math.abs(Py.asLong(v));
                }
                throw TemplateException.typeError("bad operand type for abs(): " + Py.repr(Py.typeName(v)));
            }
            case "attr" -> {
                String attr = Py.str(Params.bind(fn, a, k, "name", Params.REQUIRED)[0]);
                Object value = Access.attribute(v, attr);
                return value != Py.MISSING ? value : Undefined.member(v, attr);
            }
            case "batch" -> {
                Object[] p = Params.bind(fn, a, k, "linecount", Params.REQUIRED, "fill_with", null);
                return PyGenerator.lazy("do_batch", () -> batch(Py.iterate(v), (int) Params.integer(fn, p[0]), p[1]));
            }
            case "capitalize" -> {
                Params.bind(fn, a, k);
                return PyString.capitalize(Py.str(v));
            }
            case "center" -> {
                long width = Params.integer(fn, Params.bind(fn, a, k, "width", 80L)[0]);
                return PyString.pad(Py.str(v), width, '^', " ");
            }
            case "count", "length" -> {
                Params.bind(fn, a, k);
                return Py.len(v);
            }
            case "d", "default" -> {
                Object[] p = Params.bind(fn, a, k, "default_value", "", "boolean", false);
                return v instanceof Undefined || (Py.truthy(p[1]) && !Py.truthy(v)) ? p[0] : v;
            }
            case "dictsort" -> {
                Object[] p = Params.bind(fn, a, k, "case_sensitive", false, "by", "key", "reverse", false);
                return dictsort(v, Py.truthy(p[0]), p[1], Py.truthy(p[2]));
            }
            case "e", "escape" -> {
                Params.bind(fn, a, k);
                return Markup.escape(v);
            }
            case "forceescape" -> {
                Params.bind(fn, a, k);
                return Markup.escape(Py.str(v));
            }
            case "filesizeformat" -> {
                Object[] p = Params.bind(fn, a, k, "binary", false);
                return filesize(v, Py.truthy(p[0]));
            }
            case "first" -> {
                Params.bind(fn, a, k);
                Iterator<Object> it = Py.iterate(v);
                return it.hasNext() ? it.next() : Undefined.withHint("No first item, sequence was empty.");
            }
            case "last" -> {
                Params.bind(fn, a, k);
                List<Object> items = reversible(v);
                return items.isEmpty() ? Undefined.withHint("No last item, sequence was empty.")
                        : items.get(items.size() - 1);
            }
            case "float" -> {
                Object d = Params.bind(fn, a, k, "default", 0.0)[0];
                Object parsed = toFloat(v);
                return parsed != null ? parsed : d;
            }
            case "format" -> {
                if (!a.isEmpty() && !k.isEmpty()) {
                    throw new TemplateException("FilterArgumentError",
                            "can't handle positional and keyword arguments at the same time");
                }
                Object args = !k.isEmpty() ? new java.util.LinkedHashMap<Object, Object>(k) : PyTuple.copyOf(a);
                return PyFormat.percent(Py.str(v), args);
            }
            case "groupby" -> {
                Object[] p = Params.bind(fn, a, k, "attribute", Params.REQUIRED, "default", null, "case_sensitive", false);
                return groupby(v, p[0], p[1], Py.truthy(p[2]));
            }
            case "indent" -> {
                Object[] p = Params.bind(fn, a, k, "width", 4L, "first", false, "blank", false);
                return indent(v, p[0], Py.truthy(p[1]), Py.truthy(p[2]));
            }
            case "int" -> {
                Object[] p = Params.bind(fn, a, k, "default", 0L, "base", 10L);
                return toInt(v, p[0], Params.integer(fn, p[1]));
            }
            case "items" -> {
                Params.bind(fn, a, k);
                return PyGenerator.lazy("do_items", () -> {
                    if (v instanceof Undefined) {
                        return Collections.emptyIterator();
                    }
                    if (!(v instanceof Map<?, ?> m)) {
                        throw TemplateException.typeError("Can only get item pairs from a mapping.");
                    }
                    List<Object> pairs = new ArrayList<>();
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        pairs.add(new PyTuple(e.getKey(), e.getValue()));
                    }
                    return pairs.iterator();
                });
            }
            case "join" -> {
                Object[] p = Params.bind(fn, a, k, "d", "", "attribute", null);
                Function<Object, Object> get = p[1] != null ? attrGetter(p[1], null, null) : Function.identity();
                StringBuilder b = new StringBuilder();
                String sep = Py.str(p[0]);
                boolean first = true;
                for (Iterator<Object> it = Py.iterate(v); it.hasNext(); ) {
                    if (!first) {
                        b.append(sep);
                    }
                    first = false;
                    b.append(Py.str(get.apply(it.next())));
                }
                return b.toString();
            }
            case "list" -> {
                Params.bind(fn, a, k);
                return Py.toList(v);
            }
            case "lower" -> {
                Params.bind(fn, a, k);
                return PyString.lower(Py.str(v));
            }
            case "upper" -> {
                Params.bind(fn, a, k);
                return PyString.upper(Py.str(v));
            }
            case "map" -> {
                return PyGenerator.lazy("sync_do_map", () -> map(v, a, k));
            }
            case "min", "max" -> {
                Object[] p = Params.bind(fn, a, k, "case_sensitive", false, "attribute", null);
                return minMax(name.equals("max"), v, Py.truthy(p[0]), p[1]);
            }
            case "select", "reject", "selectattr", "rejectattr" -> {
                return PyGenerator.lazy("select_or_reject", () -> select(v, a, k, name.startsWith("select"),
                        name.endsWith("attr")));
            }
            case "replace" -> {
                Object[] p = Params.bind(fn, a, k, "old", Params.REQUIRED, "new", Params.REQUIRED, "count", null);
                long count = p[2] == null ? -1 : Params.integer(fn, p[2]);
                return PyString.replace(Py.str(v), Py.str(p[0]), Py.str(p[1]), count);
            }
            case "reverse" -> {
                Params.bind(fn, a, k);
                if (Py.isText(v)) {
                    return new PySlice(null, null, -1L).apply(Py.text(v));
                }
                if (v instanceof PyGenerator || !(v instanceof List<?> || v instanceof Map<?, ?>
                        || v instanceof Undefined)) {
                    List<Object> items = Py.toList(v);
                    Collections.reverse(items);
                    return items;
                }
                List<Object> items = reversible(v);
                Collections.reverse(items);
                String kind = v instanceof Map<?, ?> ? "dict_reversekeyiterator"
                        : v instanceof PyTuple || v instanceof Undefined ? "reversed" : v instanceof PyRange
                        ? "range_iterator" : "list_reverseiterator";
                return new PyGenerator(kind, "", items.iterator());
            }
            case "round" -> {
                Object[] p = Params.bind(fn, a, k, "precision", 0L, "method", "common");
                return round(v, Params.integer(fn, p[0]), Py.str(p[1]));
            }
            case "safe" -> {
                Params.bind(fn, a, k);
                return v instanceof Markup ? v : new Markup(Py.str(v));
            }
            case "slice" -> {
                Object[] p = Params.bind(fn, a, k, "slices", Params.REQUIRED, "fill_with", null);
                return PyGenerator.lazy("sync_do_slice", () -> slice(Py.toList(v), (int) Params.integer(fn, p[0]), p[1]));
            }
            case "sort" -> {
                Object[] p = Params.bind(fn, a, k, "reverse", false, "case_sensitive", false, "attribute", null);
                return sort(v, Py.truthy(p[0]), Py.truthy(p[1]), p[2]);
            }
            case "string" -> {
                Params.bind(fn, a, k);
                return Py.isText(v) ? v : Py.str(v);
            }
            case "sum" -> {
                Object[] p = Params.bind(fn, a, k, "attribute", null, "start", 0L);
                Function<Object, Object> get = p[0] != null ? attrGetter(p[0], null, null) : Function.identity();
                Object total = p[1];
                for (Iterator<Object> it = Py.iterate(v); it.hasNext(); ) {
                    total = Operators.binary("+", total, get.apply(it.next()));
                }
                return total;
            }
            case "title" -> {
                Params.bind(fn, a, k);
                return title(Py.str(v));
            }
            case "trim" -> {
                Object chars = Params.bind(fn, a, k, "chars", null)[0];
                return PyString.strip(Py.str(v), chars == null ? null : Params.text("strip", chars));
            }
            case "truncate" -> {
                Object[] p = Params.bind(fn, a, k, "length", 255L, "killwords", false, "end", "...", "leeway", null);
                return truncate(Py.str(v), Params.integer(fn, p[0]), Py.truthy(p[1]), Py.str(p[2]),
                        p[3] == null ? 5 : Params.integer(fn, p[3]));
            }
            case "unique" -> {
                Object[] p = Params.bind(fn, a, k, "case_sensitive", false, "attribute", null);
                return PyGenerator.lazy("do_unique", () -> unique(v, Py.truthy(p[0]), p[1]));
            }
            case "wordcount" -> {
                Params.bind(fn, a, k);
                Matcher m = WORD.matcher(Py.str(v));
                long n = 0;
                while (m.find()) {
                    n++;
                }
                return n;
            }
            case "pprint" -> {
                Params.bind(fn, a, k);
                String repr = Py.repr(v);
                if (repr.length() > 80 && (v instanceof List<?> || v instanceof Map<?, ?>)) {
                    throw TemplateException.unsupported("pprint of a value wider than 80 characters");
                }
                return repr;
            }
            case "tojson" -> {
                Object[] p = Params.bind("tojson", a, k, "ensure_ascii", false, "indent", null, "separators", null,
                        "sort_keys", false);
                return Json.dumps(v, Py.truthy(p[0]), p[1], p[2], Py.truthy(p[3]));
            }
            default -> throw TemplateException.unsupported("the " + name + " filter");
        }
    }

    // ---- attribute getters (jinja2's make_attrgetter / make_multi_attrgetter) ----

    private static List<Object> attributeParts(Object attribute) {
        List<Object> parts = new ArrayList<>();
        if (attribute == null) {
            return parts;
        }
        if (Py.isText(attribute)) {
            for (String part : Py.text(attribute).split("\\.", -1)) {
                parts.add(!part.isEmpty() && part.chars().allMatch(Character::isDigit) ? (Object) Long.parseLong(part)
                        : part);
            }
        } else {
            parts.add(attribute);
        }
        return parts;
    }

    private static Function<Object, Object> attrGetter(Object attribute, UnaryOperator<Object> post, Object dflt) {
        List<Object> parts = attributeParts(attribute);
        return item -> {
            for (Object part : parts) {
                item = Access.getitem(item, part);
                if (dflt != null && item instanceof Undefined) {
                    item = dflt;
                }
            }
            return post != null ? post.apply(item) : item;
        };
    }

    private static Function<Object, Object> multiAttrGetter(Object attribute, UnaryOperator<Object> post) {
        List<List<Object>> all = new ArrayList<>();
        if (Py.isText(attribute)) {
            for (String one : Py.text(attribute).split(",", -1)) {
                all.add(attributeParts(one));
            }
        } else {
            all.add(attributeParts(attribute));
        }
        return item -> {
            List<Object> keys = new ArrayList<>();
            for (List<Object> parts : all) {
                Object v = item;
                for (Object part : parts) {
                    v = Access.getitem(v, part);
                }
                keys.add(post != null ? post.apply(v) : v);
            }
            return keys;
        };
    }

    private static Object ignoreCase(Object v) {
        return Py.isText(v) ? PyString.lower(Py.text(v)) : v;
    }

    // ---- the filters with more to them ----

    private static Iterator<Object> map(Object value, List<Object> a, Map<String, Object> k) {
        if (!Py.truthy(value)) {
            return Collections.emptyIterator();
        }
        Function<Object, Object> f;
        if (a.isEmpty() && k.containsKey("attribute")) {
            Map<String, Object> rest = new java.util.LinkedHashMap<>(k);
            Object attribute = rest.remove("attribute");
            Object dflt = rest.remove("default");
            if (!rest.isEmpty()) {
                throw new TemplateException("FilterArgumentError", "Unexpected keyword argument "
                        + Py.repr(rest.keySet().iterator().next()));
            }
            f = attrGetter(attribute, null, dflt);
        } else {
            if (a.isEmpty()) {
                throw new TemplateException("FilterArgumentError", "map requires a filter argument");
            }
            String filter = Py.str(a.get(0));
            List<Object> rest = a.subList(1, a.size());
            f = item -> apply(filter, item, rest, k);
        }
        Iterator<Object> items = Py.iterate(value);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return items.hasNext();
            }

            @Override
            public Object next() {
                return f.apply(items.next());
            }
        };
    }

    private static Iterator<Object> select(Object value, List<Object> a, Map<String, Object> k, boolean keep,
                                           boolean byAttribute) {
        if (!Py.truthy(value)) {
            return Collections.emptyIterator();
        }
        Function<Object, Object> transform = Function.identity();
        int offset = 0;
        if (byAttribute) {
            if (a.isEmpty()) {
                throw new TemplateException("FilterArgumentError", "Missing parameter for attribute name");
            }
            transform = attrGetter(a.get(0), null, null);
            offset = 1;
        }
        Function<Object, Boolean> test;
        if (a.size() > offset) {
            String name = Py.str(a.get(offset));
            List<Object> rest = a.subList(offset + 1, a.size());
            test = item -> Tests.apply(name, item, rest, k);
        } else {
            test = Py::truthy;
        }
        Function<Object, Object> t = transform;
        Iterator<Object> items = Py.iterate(value);
        return Py.lazilyFiltered(items, item -> test.apply(t.apply(item)) == keep);
    }

    private static Iterator<Object> unique(Object value, boolean caseSensitive, Object attribute) {
        Function<Object, Object> key = attrGetter(attribute, caseSensitive ? null : Filters::ignoreCase, null);
        List<Object> seen = new ArrayList<>();
        List<Object> out = new ArrayList<>();
        for (Iterator<Object> it = Py.iterate(value); it.hasNext(); ) {
            Object item = it.next();
            Object k = key.apply(item);
            Py.checkHashable(k);
            if (seen.stream().noneMatch(s -> Py.eq(s, k))) {
                seen.add(k);
                out.add(item);
            }
        }
        return out.iterator();
    }

    private static List<Object> sort(Object value, boolean reverse, boolean caseSensitive, Object attribute) {
        Function<Object, Object> key = multiAttrGetter(attribute, caseSensitive ? null : Filters::ignoreCase);
        List<Object> items = Py.toList(value);
        List<Object[]> keyed = new ArrayList<>();
        for (Object item : items) {
            keyed.add(new Object[] {key.apply(item), item});
        }
        Comparator<Object[]> order = (x, y) -> Py.order(x[0], y[0]);
        keyed.sort(reverse ? order.reversed() : order);
        List<Object> out = new ArrayList<>();
        for (Object[] pair : keyed) {
            out.add(pair[1]);
        }
        return out;
    }

    private static List<Object> dictsort(Object value, boolean caseSensitive, Object by, boolean reverse) {
        int pos;
        if (Py.eq(by, "key")) {
            pos = 0;
        } else if (Py.eq(by, "value")) {
            pos = 1;
        } else {
            throw new TemplateException("FilterArgumentError", "You can only sort by either \"key\" or \"value\"");
        }
        Object items = Access.getattr(value, "items");
        if (!(items instanceof PyCallable call)) {
            throw TemplateException.typeError("'" + Py.typeName(value) + "' object has no attribute 'items'");
        }
        List<Object> pairs = Py.toList(call.call(null, List.of(), Map.of()));
        Comparator<Object> order = (x, y) -> {
            Object kx = ((List<?>) x).get(pos);
            Object ky = ((List<?>) y).get(pos);
            return caseSensitive ? Py.order(kx, ky) : Py.order(ignoreCase(kx), ignoreCase(ky));
        };
        pairs.sort(reverse ? order.reversed() : order);
        return pairs;
    }

    private static List<Object> groupby(Object value, Object attribute, Object dflt, boolean caseSensitive) {
        Function<Object, Object> key = attrGetter(attribute, caseSensitive ? null : Filters::ignoreCase, dflt);
        List<Object> sorted = Py.toList(value);
        sorted.sort((x, y) -> Py.order(key.apply(x), key.apply(y)));
        Function<Object, Object> output = attrGetter(attribute, null, dflt);
        List<Object> out = new ArrayList<>();
        List<Object> group = null;
        Object current = null;
        for (Object item : sorted) {
            Object k = key.apply(item);
            if (group == null || !Py.eq(k, current)) {
                if (group != null) {
                    out.add(new GroupTuple(caseSensitive ? current : output.apply(group.get(0)), group));
                }
                group = new ArrayList<>();
                current = k;
            }
            group.add(item);
        }
        if (group != null) {
            out.add(new GroupTuple(caseSensitive ? current : output.apply(group.get(0)), group));
        }
        return out;
    }

    private static Object minMax(boolean max, Object value, boolean caseSensitive, Object attribute) {
        Iterator<Object> it = Py.iterate(value);
        if (!it.hasNext()) {
            return Undefined.withHint("No aggregated item, sequence was empty.");
        }
        Function<Object, Object> key = attrGetter(attribute, caseSensitive ? null : Filters::ignoreCase, null);
        Object best = it.next();
        Object bestKey = key.apply(best);
        while (it.hasNext()) {
            Object item = it.next();
            Object k = key.apply(item);
            if (max ? Py.compare(">", k, bestKey) : Py.compare("<", k, bestKey)) {
                best = item;
                bestKey = k;
            }
        }
        return best;
    }

    /** The items of something reversed() accepts (a sequence or a dict's keys); TypeError otherwise. */
    private static List<Object> reversible(Object v) {
        if (v instanceof PyGenerator g) {
            throw TemplateException.typeError(Py.repr(g.typeName) + " object is not reversible");
        }
        if (!(Py.isText(v) || v instanceof List<?> || v instanceof Map<?, ?> || v instanceof Undefined)) {
            throw TemplateException.typeError(Py.repr(Py.typeName(v)) + " object is not reversible");
        }
        return Py.toList(v);
    }

    private static String indent(Object s, Object width, boolean first, boolean blank) {
        String indention = Py.isText(width) ? Py.text(width) : " ".repeat((int) Math.max(0, Params.integer("indent",
                width)));
        String text = (String) Operators.add(s instanceof Markup m ? m.text() : s, "\n");
        List<Object> lines = PyString.splitlines(text, false);
        StringBuilder rv = new StringBuilder();
        if (blank) {
            for (int i = 0; i < lines.size(); i++) {
                if (i > 0) {
                    rv.append('\n').append(indention);
                }
                rv.append((String) lines.get(i));
            }
        } else {
            rv.append((String) lines.get(0));
            for (int i = 1; i < lines.size(); i++) {
                String line = (String) lines.get(i);
                rv.append('\n').append(line.isEmpty() ? "" : indention + line);
            }
        }
        return first ? indention + rv : rv.toString();
    }

    private static String title(String s) {
        StringBuilder b = new StringBuilder();
        Matcher m = WORD_BEGINNING.matcher(s);
        int last = 0;
        while (m.find()) {
            titlePiece(b, s.substring(last, m.start()));
            b.append(m.group());
            last = m.end();
        }
        titlePiece(b, s.substring(last));
        return b.toString();
    }

    private static void titlePiece(StringBuilder b, String piece) {
        if (piece.isEmpty()) {
            return;
        }
        int first = piece.codePointAt(0);
        int n = Character.charCount(first);
        b.append(PyString.upper(piece.substring(0, n))).append(PyString.lower(piece.substring(n)));
    }

    private static String truncate(String s, long length, boolean killwords, String end, long leeway) {
        int endLength = PyString.length(end);
        if (length < endLength) {
            throw new TemplateException("AssertionError", "expected length >= " + endLength + ", got " + length);
        }
        if (leeway < 0) {
            throw new TemplateException("AssertionError", "expected leeway >= 0, got " + leeway);
        }
        if (PyString.length(s) <= length + leeway) {
            return s;
        }
        String head = PyString.substring(s, 0, (int) (length - endLength));
        if (killwords) {
            return head + end;
        }
        return PyString.rsplit(head, " ", 1).get(0) + end;
    }

    private static Object round(Object v, long precision, String method) {
        if (!method.equals("common") && !method.equals("ceil") && !method.equals("floor")) {
            throw new TemplateException("FilterArgumentError", "method must be common, ceil or floor");
        }
        if (!Py.isNumber(v)) {
            throw TemplateException.typeError("type " + Py.typeName(v) + " doesn't define __round__ method");
        }
        if (method.equals("common")) {
            if (Py.isInt(v)) {
                return Py.asLong(v);
            }
            double d = Py.asDouble(v);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return d;
            }
            return new BigDecimal(d).setScale((int) precision, RoundingMode.HALF_EVEN).doubleValue();
        }
        double scale = Math.pow(10, precision);
        double x = Py.asDouble(v) * scale;
        return (method.equals("ceil") ? Math.ceil(x) : Math.floor(x)) / scale;
    }

    private static Iterator<Object> batch(Iterator<Object> items, int count, Object fill) {
        List<Object> out = new ArrayList<>();
        List<Object> tmp = new ArrayList<>();
        while (items.hasNext()) {
            if (tmp.size() == count) {
                out.add(tmp);
                tmp = new ArrayList<>();
            }
            tmp.add(items.next());
        }
        if (!tmp.isEmpty()) {
            while (fill != null && tmp.size() < count) {
                tmp.add(fill);
            }
            out.add(tmp);
        }
        return out.iterator();
    }

    private static Iterator<Object> slice(List<Object> seq, int slices, Object fill) {
        int perSlice = seq.size() / slices;
        int withExtra = seq.size() % slices;
        int offset = 0;
        List<Object> out = new ArrayList<>();
        for (int n = 0; n < slices; n++) {
            int start = offset + n * perSlice;
            if (n < withExtra) {
                offset++;
            }
            int end = offset + (n + 1) * perSlice;
            List<Object> tmp = new ArrayList<>(seq.subList(start, end));
            if (fill != null && n >= withExtra) {
                tmp.add(fill);
            }
            out.add(tmp);
        }
        return out.iterator();
    }

    private static String filesize(Object v, boolean binary) {
        Object parsed = toFloat(v);
        if (parsed == null) {
            throw TemplateException.valueError("could not convert to float: " + Py.repr(v));
        }
        double bytes = (Double) parsed;
        int base = binary ? 1024 : 1000;
        String[] prefixes = binary ? new String[] {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"}
                : new String[] {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
        if (bytes == 1) {
            return "1 Byte";
        }
        if (bytes < base) {
            return (long) bytes + " Bytes";
        }
        double unit = base;
        String prefix = prefixes[0];
        for (int i = 0; i < prefixes.length; i++) {
            unit = Math.pow(base, i + 2);
            prefix = prefixes[i];
            if (bytes < unit) {
                break;
            }
        }
        return PyFormat.fixed(base * bytes / unit, 1) + " " + prefix;
    }

    /** Python's float(v), or null where it raises TypeError or ValueError. */
    static Object toFloat(Object v) {
        if (Py.isNumber(v)) {
            return Py.asDouble(v);
        }
        if (!Py.isText(v)) {
            return null;
        }
        String s = PyString.strip(Py.text(v), null).replace("_", "");
        String lower = PyString.lower(s);
        String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        double sign = lower.startsWith("-") ? -1 : 1;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return sign * Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan")) {
            return Double.NaN;
        }
        if (!unsigned.matches("(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
            return null;
        }
        return Double.parseDouble(s);
    }

    private static Object toInt(Object v, Object dflt, long base) {
        if (Py.isText(v)) {
            Long parsed = parseInt(Py.text(v), base);
            if (parsed != null) {
                return parsed;
            }
        } else if (Py.isInt(v)) {
            return Py.asLong(v);
        } else if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            return (long) (double) d;
        }
        Object f = toFloat(v);
        if (f instanceof Double d && !d.isNaN()) {
            if (d.isInfinite()) {
                throw new TemplateException("OverflowError", "cannot convert float infinity to integer");
            }
            return (long) (double) d;
        }
        return dflt;
    }

    /** Python's int(s, base): whitespace around, a sign, "_" between digits, a prefix matching the base. */
    private static Long parseInt(String text, long base) {
        String s = PyString.strip(text, null);
        boolean negative = s.startsWith("-");
        if (s.startsWith("-") || s.startsWith("+")) {
            s = s.substring(1);
        }
        int radix = (int) base;
        String lower = PyString.lower(s);
        if ((base == 16 || base == 0) && lower.startsWith("0x")) {
            radix = 16;
            s = s.substring(2);
        } else if ((base == 8 || base == 0) && lower.startsWith("0o")) {
            radix = 8;
            s = s.substring(2);
        } else if ((base == 2 || base == 0) && lower.startsWith("0b")) {
            radix = 2;
            s = s.substring(2);
        } else if (base == 0) {
            radix = 10;
        }
        if (s.isEmpty() || s.startsWith("_") || s.endsWith("_") || s.contains("__") || radix < 2 || radix > 36) {
            return null;
        }
        try {
            long value = Long.parseLong(s.replace("_", ""), radix);
            return negative ? -value : value;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
