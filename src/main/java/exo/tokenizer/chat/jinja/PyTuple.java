package exo.tokenizer.chat.jinja;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/** Python's tuple: an immutable sequence that prints as {@code (a, b)} and is not equal to a list. */
class PyTuple extends AbstractList<Object> implements RandomAccess {
    private final Object[] items;

    PyTuple(Object... items) {
        this.items = items.clone();
    }

    static PyTuple copyOf(List<?> items) {
        return new PyTuple(items.toArray());
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }
}
