package exo.tokenizer.chat.jinja;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@code loop} variable inside a for loop: index, index0, revindex, revindex0, first, last,
 * length, depth, depth0, previtem, nextitem, cycle(...), changed(...), and for a
 * {@code recursive} loop, {@code loop(children)} to render the body over other items.
 *
 * <p>As jinja2's LoopContext it walks the items lazily: a loop filter ({@code for x in xs if
 * test}) runs item by item as the loop reaches it, so it sees what earlier iterations did to a
 * namespace; {@code loop.last} and {@code loop.nextitem} look one item ahead, and
 * {@code loop.length} (of a filtered loop or a generator) takes the rest, only when asked.
 */
final class LoopContext implements PyCallable {
    /** Renders the loop's body over other items one level deeper; null unless the loop is recursive. */
    interface Recursion {
        String render(Renderer renderer, Object items, int depth0);
    }

    private Iterator<Object> items;
    private final int depth0;
    private final Recursion recursion;
    private int index0 = -1;
    private Integer length;
    private Object before = Py.MISSING;
    private Object current = Py.MISSING;
    private Object after = Py.MISSING;
    private Object lastChanged = Py.MISSING;

    /** @param length the number of items where it is known up front (a sized sequence, no filter), else null */
    LoopContext(Iterator<Object> items, Integer length, int depth0, Recursion recursion) {
        this.items = items;
        this.length = length;
        this.depth0 = depth0;
        this.recursion = recursion;
    }

    boolean hasNext() {
        return after != Py.MISSING || items.hasNext();
    }

    /** The next item, which becomes the current one. */
    Object next() {
        Object item;
        if (after != Py.MISSING) {
            item = after;
            after = Py.MISSING;
        } else {
            item = items.next();
        }
        index0++;
        before = current;
        current = item;
        return item;
    }

    private Object peek() {
        if (after == Py.MISSING && items.hasNext()) {
            after = items.next();
        }
        return after;
    }

    long index() {
        return index0 + 1L;
    }

    long length() {
        if (length == null) {
            List<Object> rest = new ArrayList<>();
            items.forEachRemaining(rest::add);
            items = rest.iterator();
            length = rest.size() + index0 + 1 + (after != Py.MISSING ? 1 : 0);
        }
        return length;
    }

    Object attribute(String name) {
        return switch (name) {
            case "index" -> index0 + 1L;
            case "index0" -> (long) index0;
            case "revindex" -> length() - index0;
            case "revindex0" -> length() - index0 - 1;
            case "first" -> index0 == 0;
            case "last" -> peek() == Py.MISSING;
            case "length" -> length();
            case "depth" -> depth0 + 1L;
            case "depth0" -> (long) depth0;
            case "previtem" -> before != Py.MISSING ? before : Undefined.withHint("there is no previous item");
            case "nextitem" -> peek() != Py.MISSING ? after : Undefined.withHint("there is no next item");
            case "cycle" -> PyCallable.of("method", (r, a, k) -> {
                if (a.isEmpty()) {
                    throw TemplateException.typeError("no items for cycling given");
                }
                return a.get(index0 % a.size());
            });
            case "changed" -> PyCallable.of("method", (r, a, k) -> {
                Object value = new PyTuple(a.toArray());
                if (lastChanged == Py.MISSING || !Py.eq(value, lastChanged)) {
                    lastChanged = value;
                    return true;
                }
                return false;
            });
            default -> Py.MISSING;
        };
    }

    @Override
    public Object call(Renderer renderer, List<Object> args, Map<String, Object> kwargs) {
        if (recursion == null) {
            throw TemplateException.typeError("The loop must have the 'recursive' marker to be called recursively.");
        }
        Object[] p = Params.positional("loop", args, kwargs, "iterable", Params.REQUIRED);
        return recursion.render(renderer, p[0], depth0 + 1);
    }

    @Override
    public String typeName() {
        return "LoopContext";
    }
}
