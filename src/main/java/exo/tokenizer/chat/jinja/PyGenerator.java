package exo.tokenizer.chat.jinja;

import java.util.Iterator;
import java.util.function.Supplier;

/**
 * A Python iterator such as jinja2's map, select and reverse filters return: it can be iterated
 * once, is always true, has no length, and json.dumps refuses it.
 */
final class PyGenerator implements Iterator<Object> {
    /** Python's type name, e.g. "generator" or "list_reverseiterator". */
    final String typeName;
    /** The function that made it, for its repr. */
    final String origin;
    private final Iterator<?> items;

    PyGenerator(String typeName, String origin, Iterator<?> items) {
        this.typeName = typeName;
        this.origin = origin;
        this.items = items;
    }

    static PyGenerator of(String origin, Iterator<?> items) {
        return new PyGenerator("generator", origin, items);
    }

    /**
     * A generator function's result: nothing of its body runs (not even its checks) until it is
     * first iterated, as in Python.
     */
    static PyGenerator lazy(String origin, Supplier<Iterator<?>> body) {
        return of(origin, new Iterator<Object>() {
            private Iterator<?> items;

            private Iterator<?> items() {
                if (items == null) {
                    items = body.get();
                }
                return items;
            }

            @Override
            public boolean hasNext() {
                return items().hasNext();
            }

            @Override
            public Object next() {
                return items().next();
            }
        });
    }

    @Override
    public boolean hasNext() {
        return items.hasNext();
    }

    @Override
    public Object next() {
        return items.next();
    }
}
