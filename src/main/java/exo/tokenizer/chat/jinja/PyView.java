package exo.tokenizer.chat.jinja;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/** A dict's keys(), values() or items(): iterable and sized, printed as {@code dict_items([...])}, not indexable. */
final class PyView extends AbstractList<Object> implements RandomAccess {
    final String kind;
    private final List<Object> items;

    PyView(String kind, List<Object> items) {
        this.kind = kind;
        this.items = items;
    }

    @Override
    public Object get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }
}
