package exo.tokenizer.chat.jinja;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** jinja2's builtin tests ({@code is defined}, {@code is string}, {@code is mapping}, ...), with jinja2's definitions. */
final class Tests {
    static final Set<String> NAMES = Set.of("odd", "even", "divisibleby", "defined", "undefined", "filter", "test",
            "none", "boolean", "false", "true", "integer", "float", "lower", "upper", "string", "mapping", "number",
            "sequence", "iterable", "callable", "sameas", "escaped", "in", "==", "eq", "equalto", "!=", "ne", ">", "gt",
            "greaterthan", ">=", "ge", "<", "lt", "lessthan", "<=", "le");

    private Tests() {
    }

    static boolean apply(String name, Object v, List<Object> args, Map<String, Object> kwargs) {
        if (!NAMES.contains(name)) {
            throw TemplateException.runtime("No test named " + Py.repr(name) + ".");
        }
        String fn = "test_" + name;
        return switch (name) {
            case "odd", "even" -> {
                Params.bind(fn, args, kwargs);
                Object r = Operators.binary("%", v, 2L);
                yield Py.eq(r, name.equals("odd") ? 1L : 0L);
            }
            case "divisibleby" -> {
                Object n = Params.bind(fn, args, kwargs, "num", Params.REQUIRED)[0];
                yield Py.eq(Operators.binary("%", v, n), 0L);
            }
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "filter" -> Py.isText(v) && Filters.NAMES.contains(Py.text(v));
            case "test" -> Py.isText(v) && NAMES.contains(Py.text(v));
            case "none" -> v == null;
            case "boolean" -> v instanceof Boolean;
            case "false" -> Boolean.FALSE.equals(v);
            case "true" -> Boolean.TRUE.equals(v);
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "lower" -> PyString.isCase(Py.str(v), false);
            case "upper" -> PyString.isCase(Py.str(v), true);
            case "string" -> Py.isText(v);
            case "mapping" -> v instanceof Map<?, ?>;
            case "number" -> Py.isNumber(v);
            // jinja2: len() and __getitem__ work; so a str, a dict and Undefined are sequences too
            case "sequence" -> Py.isText(v) || v instanceof List<?> && !(v instanceof PyView) || v instanceof Map<?, ?>
                    || v instanceof Undefined;
            case "iterable" -> Py.isText(v) || v instanceof List<?> || v instanceof Map<?, ?> || v instanceof PyGenerator
                    || v instanceof Undefined || v instanceof LoopContext;
            case "callable" -> v instanceof PyCallable || v instanceof Undefined;
            case "sameas" -> {
                Object other = Params.bind(fn, args, kwargs, "other", Params.REQUIRED)[0];
                yield sameObject(v, other);
            }
            case "escaped" -> v instanceof Markup;
            case "in" -> Py.contains(Params.bind(fn, args, kwargs, "seq", Params.REQUIRED)[0], v);
            default -> compare(name, v, Params.bind(fn, args, kwargs, "other", Params.REQUIRED)[0]);
        };
    }

    /** Python's {@code is}: None, True and False are singletons, and so are the small ints CPython caches. */
    private static boolean sameObject(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a instanceof Boolean x && b instanceof Boolean y) {
            return x.equals(y);
        }
        return a instanceof Long x && b instanceof Long y && x.equals(y) && x >= -5 && x <= 256;
    }

    private static boolean compare(String name, Object a, Object b) {
        return switch (name) {
            case "==", "eq", "equalto" -> Py.eq(a, b);
            case "!=", "ne" -> !Py.eq(a, b);
            case ">", "gt", "greaterthan" -> Py.compare(">", a, b);
            case ">=", "ge" -> Py.compare(">=", a, b);
            case "<", "lt", "lessthan" -> Py.compare("<", a, b);
            default -> Py.compare("<=", a, b);
        };
    }
}
