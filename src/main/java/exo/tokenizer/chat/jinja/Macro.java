package exo.tokenizer.chat.jinja;

import exo.tokenizer.chat.jinja.Node.MacroDef;
import exo.tokenizer.chat.jinja.Node.Param;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code {% macro %}} (or a call block's {@code caller}) bound to the scope it was defined in;
 * calling it renders its body and returns the text. Arguments bind as jinja2's Macro.__call__
 * binds them: positional, then by name, defaults evaluated at call time in the macro's scope,
 * extra ones only where the body reads {@code varargs} or {@code kwargs}.
 */
final class Macro implements PyCallable {
    private final MacroDef def;
    private final Scope scope;

    Macro(MacroDef def, Scope scope) {
        this.def = def;
        this.scope = scope;
    }

    String name() {
        return def.name();
    }

    @Override
    public String typeName() {
        return "Macro";
    }

    @Override
    public Object call(Renderer renderer, List<Object> args, Map<String, Object> kwargs) {
        List<Param> params = def.params();
        int count = params.size();
        Map<String, Object> rest = new LinkedHashMap<>(kwargs);
        Scope local = scope.child();
        Object[] values = new Object[count];
        boolean foundCaller = false;
        for (int i = 0; i < count; i++) {
            String name = params.get(i).name();
            if (i < args.size()) {
                values[i] = args.get(i);
            } else {
                values[i] = rest.containsKey(name) ? rest.remove(name) : Py.MISSING;
            }
            foundCaller |= name.equals("caller");
        }
        if (def.usesCaller() && !foundCaller) {
            Object caller = rest.remove("caller");
            local.set("caller", caller != null ? caller : Undefined.withHint("No caller defined"));
        }
        if (def.catchKwargs()) {
            local.set("kwargs", new LinkedHashMap<Object, Object>(rest));
        } else if (!rest.isEmpty()) {
            if (rest.containsKey("caller")) {
                throw TemplateException.typeError("macro " + Py.repr(def.name()) + " was invoked with two values for "
                        + "the special caller argument. This is most likely a bug.");
            }
            throw TemplateException.typeError("macro " + Py.repr(def.name()) + " takes no keyword argument "
                    + Py.repr(rest.keySet().iterator().next()));
        }
        if (def.catchVarargs()) {
            local.set("varargs", args.size() > count ? PyTuple.copyOf(args.subList(count, args.size())) : new PyTuple());
        } else if (args.size() > count) {
            throw TemplateException.typeError("macro " + Py.repr(def.name()) + " takes not more than " + count
                    + " argument(s)");
        }
        for (int i = 0; i < count; i++) {
            Param p = params.get(i);
            Object v = values[i];
            if (v == Py.MISSING) {
                v = p.defaultValue() != null ? renderer.eval(p.defaultValue(), local)
                        : Undefined.withHint("parameter " + Py.repr(p.name()) + " was not provided");
            }
            local.set(p.name(), v);
        }
        return renderer.renderMacroBody(def.body(), local);
    }
}
