package exo.tokenizer.chat.jinja;

import java.util.ArrayList;
import java.util.List;

/** Python's slice(start, stop, step) and how it cuts a str, list or tuple ({@code s[::-1]}, {@code l[-2:]}). */
record PySlice(Object start, Object stop, Object step) {

    /** start, stop, step and count for a sequence of this length, as slice.indices() and CPython's slicing compute them. */
    long[] indices(long length) {
        long st = step == null ? 1 : index(step);
        if (st == 0) {
            throw TemplateException.valueError("slice step cannot be zero");
        }
        long lower = st < 0 ? -1 : 0;
        long upper = st < 0 ? length - 1 : length;
        long a = start == null ? (st < 0 ? upper : lower) : clamp(index(start), length, lower, upper);
        long b = stop == null ? (st < 0 ? lower : upper) : clamp(index(stop), length, lower, upper);
        long count;
        if (st > 0) {
            count = a < b ? (b - a - 1) / st + 1 : 0;
        } else {
            count = a > b ? (a - b - 1) / -st + 1 : 0;
        }
        return new long[] {a, b, st, count};
    }

    private static long clamp(long i, long length, long lower, long upper) {
        if (i < 0) {
            i += length;
            return Math.max(i, lower);
        }
        return Math.min(i, upper);
    }

    private static long index(Object v) {
        if (Py.isInt(v)) {
            return Py.asLong(v);
        }
        throw TemplateException.typeError("slice indices must be integers or None or have an __index__ method");
    }

    /** The items of the slice (list semantics). */
    List<Object> apply(List<?> items) {
        long[] ix = indices(items.size());
        List<Object> out = new ArrayList<>((int) ix[3]);
        for (long k = 0, i = ix[0]; k < ix[3]; k++, i += ix[2]) {
            out.add(items.get((int) i));
        }
        return out;
    }

    /** The slice of a str, in code points. */
    String apply(String s) {
        if (step == null || (Py.isInt(step) && Py.asLong(step) == 1)) {
            long[] ix = indices(PyString.length(s));
            return ix[3] == 0 ? "" : PyString.substring(s, (int) ix[0], (int) ix[1]);
        }
        List<Object> chars = PyString.chars(s);
        StringBuilder b = new StringBuilder();
        for (Object c : apply(chars)) {
            b.append((String) c);
        }
        return b.toString();
    }
}
