package exo.tokenizer.chat.jinja;

import java.util.AbstractList;
import java.util.RandomAccess;

/** Python's range, as the sandbox's range() gives it (at most 100,000 items). */
final class PyRange extends AbstractList<Object> implements RandomAccess {
    static final int MAX_RANGE = 100_000;

    final long start;
    final long stop;
    final long step;
    private final int size;

    PyRange(long start, long stop, long step) {
        if (step == 0) {
            throw TemplateException.valueError("range() arg 3 must not be zero");
        }
        this.start = start;
        this.stop = stop;
        this.step = step;
        long n = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                : (start > stop ? (start - stop - step - 1) / -step : 0);
        if (n > MAX_RANGE) {
            throw new TemplateException("OverflowError",
                    "Range too big. The sandbox blocks ranges larger than MAX_RANGE (" + MAX_RANGE + ").");
        }
        this.size = (int) n;
    }

    @Override
    public Object get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return start + index * step;
    }

    @Override
    public int size() {
        return size;
    }

    String repr() {
        return "range(" + start + ", " + stop + (step != 1 ? ", " + step : "") + ")";
    }
}
