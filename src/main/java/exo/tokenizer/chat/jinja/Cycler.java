package exo.tokenizer.chat.jinja;

import java.util.List;

/** jinja2's cycler(*items): {@code .next()} gives the items in turn, {@code .current} the one next() gives next. */
final class Cycler {
    private final List<Object> items;
    private int position;

    Cycler(List<Object> items) {
        if (items.isEmpty()) {
            throw TemplateException.runtime("at least one item has to be provided");
        }
        this.items = items;
    }

    Object attribute(String name) {
        return switch (name) {
            case "current" -> items.get(position);
            case "next" -> PyCallable.of("method", (r, a, k) -> {
                Params.positional("next", a, k);
                Object v = items.get(position);
                position = (position + 1) % items.size();
                return v;
            });
            case "reset" -> PyCallable.of("method", (r, a, k) -> {
                Params.positional("reset", a, k);
                position = 0;
                return null;
            });
            default -> Py.MISSING;
        };
    }
}
