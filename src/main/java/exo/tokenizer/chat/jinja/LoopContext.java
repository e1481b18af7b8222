package exo.tokenizer.chat.jinja;

import java.util.List;
import java.util.Map;

/**
 * The {@code loop} variable inside a for loop: index, index0, revindex, revindex0, first, last,
 * length, depth, depth0, previtem, nextitem, cycle(...), changed(...), and for a
 * {@code recursive} loop, {@code loop(children)} to render the body over other items.
 */
final class LoopContext implements PyCallable {
    /** Renders the loop's body over other items one level deeper; null unless the loop is recursive. */
    interface Recursion {
        String render(Renderer renderer, Object items, int depth0);
    }

    private final List<Object> items;
    private final int depth0;
    private final Recursion recursion;
    private int index0 = -1;
    private Object lastChanged = Py.MISSING;

    LoopContext(List<Object> items, int depth0, Recursion recursion) {
        this.items = items;
        this.depth0 = depth0;
        this.recursion = recursion;
    }

    void advance() {
        index0++;
    }

    long index() {
        return index0 + 1L;
    }

    long length() {
        return items.size();
    }

    Object attribute(String name) {
        int n = items.size();
        return switch (name) {
            case "index" -> index0 + 1L;
            case "index0" -> (long) index0;
            case "revindex" -> (long) (n - index0);
            case "revindex0" -> (long) (n - index0 - 1);
            case "first" -> index0 == 0;
            case "last" -> index0 == n - 1;
            case "length" -> (long) n;
            case "depth" -> depth0 + 1L;
            case "depth0" -> (long) depth0;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : Undefined.withHint("there is no previous item");
            case "nextitem" -> index0 + 1 < n ? items.get(index0 + 1) : Undefined.withHint("there is no next item");
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
