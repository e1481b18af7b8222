package exo.tokenizer.chat.jinja;

import exo.tokenizer.chat.jinja.Node.Args;
import exo.tokenizer.chat.jinja.Node.Branch;
import exo.tokenizer.chat.jinja.Node.Expr;
import exo.tokenizer.chat.jinja.Node.Filter;
import exo.tokenizer.chat.jinja.Node.For;
import exo.tokenizer.chat.jinja.Node.Keyword;
import exo.tokenizer.chat.jinja.Node.Operand;
import exo.tokenizer.chat.jinja.Node.Stmt;
import exo.tokenizer.chat.jinja.Node.Target;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a parsed template: statements append to the output, expressions evaluate with Python's
 * semantics ({@link Py}, {@link Operators}), names resolve through {@link Scope}s, attributes and
 * items through the sandbox ({@link Access}). One renderer serves one render call.
 */
final class Renderer {
    /** Python's default recursion limit is 1000 frames; a macro call costs jinja2 a few. */
    private static final int MAX_CALL_DEPTH = 300;

    private enum Flow { NORMAL, BREAK, CONTINUE }

    private int callDepth;

    String render(List<Stmt> body, Scope scope) {
        StringBuilder out = new StringBuilder();
        if (exec(body, scope, out) != Flow.NORMAL) {
            throw new TemplateException("TemplateSyntaxError", "'break' or 'continue' outside loop");
        }
        return out.toString();
    }

    String renderMacroBody(List<Stmt> body, Scope scope) {
        if (++callDepth > MAX_CALL_DEPTH) {
            throw new TemplateException("RecursionError", "maximum recursion depth exceeded");
        }
        try {
            return render(body, scope);
        } finally {
            callDepth--;
        }
    }

    private Flow exec(List<Stmt> body, Scope scope, StringBuilder out) {
        for (Stmt s : body) {
            Flow f;
            try {
                f = exec(s, scope, out);
            } catch (TemplateException e) {
                throw e.at(s.line());
            }
            if (f != Flow.NORMAL) {
                return f;
            }
        }
        return Flow.NORMAL;
    }

    private Flow exec(Stmt stmt, Scope scope, StringBuilder out) {
        switch (stmt) {
            case Node.Data d -> out.append(d.text());
            case Node.Print p -> out.append(Py.str(eval(p.expr(), scope)));
            case Node.If i -> {
                for (Branch b : i.branches()) {
                    if (Py.truthy(eval(b.test(), scope))) {
                        return exec(b.body(), scope, out);
                    }
                }
                return exec(i.otherwise(), scope, out);
            }
            case For f -> {
                return loop(f, eval(f.iter(), scope), scope, out, 0);
            }
            case Node.Set s -> assign(s.target(), eval(s.value(), scope), scope);
            case Node.SetBlock s -> {
                Object value = render(s.body(), scope.child());
                if (s.filter() != null) {
                    value = filter(s.filter(), scope, value);
                }
                assign(s.target(), value, scope);
            }
            case Node.MacroDef m -> scope.set(m.name(), new Macro(m, scope));
            case Node.CallBlock c -> {
                Object callee = eval(c.call().callee(), scope);
                List<Object> args = new ArrayList<>();
                Map<String, Object> kwargs = new LinkedHashMap<>();
                arguments(c.call().args(), scope, args, kwargs);
                kwargs.put("caller", new Macro(c.caller(), scope));
                out.append(Py.str(call(callee, args, kwargs)));
            }
            case Node.FilterBlock fb -> out.append(Py.str(filter(fb.filter(), scope, render(fb.body(), scope.child()))));
            case Node.With w -> {
                Scope inner = scope.child();
                for (int i = 0; i < w.targets().size(); i++) {
                    assign(w.targets().get(i), eval(w.values().get(i), scope), inner);
                }
                return exec(w.body(), inner, out);
            }
            case Node.Scoped sc -> {
                return exec(sc.body(), scope.child(), out);
            }
            case Node.NoLoader n -> {
                eval(n.template(), scope);
                throw TemplateException.typeError("no loader for this environment specified");
            }
            case Node.Break b -> {
                return Flow.BREAK;
            }
            case Node.Continue c -> {
                return Flow.CONTINUE;
            }
        }
        return Flow.NORMAL;
    }

    private Flow loop(For f, Object iterable, Scope scope, StringBuilder out, int depth0) {
        Iterator<Object> items = Py.iterate(iterable);
        Integer length = null;
        if (f.filter() != null) {
            items = filtered(items, f, scope);
        } else if (!(iterable instanceof PyGenerator)) {
            length = (int) Py.len(iterable);
        }
        LoopContext.Recursion recursion = !f.recursive() ? null : (renderer, children, depth) -> {
            StringBuilder b = new StringBuilder();
            renderer.loop(f, children, scope, b, depth);
            return b.toString();
        };
        LoopContext loop = new LoopContext(items, length, depth0, recursion);
        boolean iterated = false;
        while (loop.hasNext()) {
            Object item = loop.next();
            iterated = true;
            Scope iteration = scope.child();
            assign(f.target(), item, iteration);
            iteration.set("loop", loop);
            if (exec(f.body(), iteration, out) == Flow.BREAK) {
                break;
            }
        }
        return iterated ? Flow.NORMAL : exec(f.otherwise(), scope.child(), out);
    }

    /** The items a loop filter keeps, tested one by one as the loop reaches them (jinja2 compiles it to a generator). */
    private Iterator<Object> filtered(Iterator<Object> items, For f, Scope scope) {
        return Py.lazilyFiltered(items, item -> {
            Scope test = scope.child();
            assign(f.target(), item, test);
            return Py.truthy(eval(f.filter(), test));
        });
    }

    private void assign(Target target, Object value, Scope scope) {
        switch (target) {
            case Node.NameTarget n -> scope.set(n.name(), value);
            case Node.TupleTarget t -> {
                if (!(Py.isText(value) || value instanceof List<?> || value instanceof Map<?, ?>
                        || value instanceof PyGenerator || value instanceof Undefined)) {
                    throw TemplateException.typeError("cannot unpack non-iterable " + Py.typeName(value) + " object");
                }
                List<Object> items = Py.toList(value);
                int n = t.items().size();
                if (items.size() < n) {
                    throw TemplateException.valueError("not enough values to unpack (expected " + n + ", got "
                            + items.size() + ")");
                }
                if (items.size() > n) {
                    throw TemplateException.valueError("too many values to unpack (expected " + n + ")");
                }
                for (int i = 0; i < n; i++) {
                    assign(t.items().get(i), items.get(i), scope);
                }
            }
            case Node.NamespaceTarget ns -> {
                Object holder = scope.lookup(ns.name());
                if (!(holder instanceof Namespace namespace)) {
                    throw TemplateException.runtime("cannot assign attribute on non-namespace object");
                }
                namespace.attributes.put(ns.attr(), value);
            }
        }
    }

    Object eval(Expr expr, Scope scope) {
        return switch (expr) {
            case Node.Const c -> c.value();
            case Node.Name n -> {
                Object v = scope.lookup(n.name());
                yield v == Py.MISSING ? Undefined.variable(n.name()) : v;
            }
            case Node.ListExpr l -> {
                List<Object> items = new ArrayList<>(l.items().size());
                for (Expr e : l.items()) {
                    items.add(eval(e, scope));
                }
                yield items;
            }
            case Node.TupleExpr t -> {
                Object[] items = new Object[t.items().size()];
                for (int i = 0; i < items.length; i++) {
                    items[i] = eval(t.items().get(i), scope);
                }
                yield new PyTuple(items);
            }
            case Node.DictExpr d -> {
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) {
                    Object k = eval(d.keys().get(i), scope);
                    Py.dictPut(m, k, eval(d.values().get(i), scope));
                }
                yield m;
            }
            case Node.GetAttr g -> Access.getattr(eval(g.obj(), scope), g.attr());
            case Node.GetItem g -> {
                Object obj = eval(g.obj(), scope);
                yield Access.getitem(obj, eval(g.key(), scope));
            }
            case Node.Slice s -> new PySlice(s.start() == null ? null : eval(s.start(), scope),
                    s.stop() == null ? null : eval(s.stop(), scope), s.step() == null ? null : eval(s.step(), scope));
            case Node.Call c -> {
                Object callee = eval(c.callee(), scope);
                List<Object> args = new ArrayList<>();
                Map<String, Object> kwargs = new LinkedHashMap<>();
                arguments(c.args(), scope, args, kwargs);
                yield call(callee, args, kwargs);
            }
            case Filter f -> filter(f, scope, null);
            case Node.Test t -> {
                Object value = eval(t.value(), scope);
                List<Object> args = new ArrayList<>();
                Map<String, Object> kwargs = new LinkedHashMap<>();
                arguments(t.args(), scope, args, kwargs);
                if (!Tests.NAMES.contains(t.name())) {
                    throw TemplateException.runtime("No test named " + Py.repr(t.name()) + " found.");
                }
                yield Tests.apply(t.name(), value, args, kwargs) != t.negated();
            }
            case Node.Unary u -> Operators.unary(u.op(), eval(u.operand(), scope));
            case Node.Binary b -> Operators.binary(b.op(), eval(b.left(), scope), eval(b.right(), scope));
            case Node.And a -> {
                Object left = eval(a.left(), scope);
                yield Py.truthy(left) ? eval(a.right(), scope) : left;
            }
            case Node.Or o -> {
                Object left = eval(o.left(), scope);
                yield Py.truthy(left) ? left : eval(o.right(), scope);
            }
            case Node.Concat c -> {
                StringBuilder b = new StringBuilder();
                for (Expr e : c.parts()) {
                    b.append(Py.str(eval(e, scope)));
                }
                yield b.toString();
            }
            case Node.Compare c -> compare(c, scope);
            case Node.CondExpr c -> {
                if (Py.truthy(eval(c.test(), scope))) {
                    yield eval(c.then(), scope);
                }
                yield c.otherwise() != null ? eval(c.otherwise(), scope) : Undefined.withHint("the inline if-expression "
                        + "on line " + c.line() + " evaluated to false and no else section was defined.");
            }
        };
    }

    private Object compare(Node.Compare c, Scope scope) {
        Object left = eval(c.first(), scope);
        for (Operand op : c.rest()) {
            Object right = eval(op.value(), scope);
            boolean ok = switch (op.op()) {
                case "==" -> Py.eq(left, right);
                case "!=" -> !Py.eq(left, right);
                case "in" -> Py.contains(right, left);
                case "notin" -> !Py.contains(right, left);
                default -> Py.compare(op.op(), left, right);
            };
            if (!ok) {
                return false;
            }
            left = right;
        }
        return true;
    }

    /** A filter chain; {@code hole} is the value of a chain whose innermost value is absent (filter blocks). */
    private Object filter(Filter f, Scope scope, Object hole) {
        Object value;
        if (f.value() == null) {
            value = hole;
        } else if (f.value() instanceof Filter inner) {
            value = filter(inner, scope, hole);
        } else {
            value = eval(f.value(), scope);
        }
        List<Object> args = new ArrayList<>();
        Map<String, Object> kwargs = new LinkedHashMap<>();
        arguments(f.args(), scope, args, kwargs);
        if (!Filters.NAMES.contains(f.name())) {
            throw TemplateException.runtime("No filter named " + Py.repr(f.name()) + " found.");
        }
        return Filters.apply(f.name(), value, args, kwargs);
    }

    private void arguments(Args a, Scope scope, List<Object> args, Map<String, Object> kwargs) {
        for (Expr e : a.positional()) {
            args.add(eval(e, scope));
        }
        for (Keyword k : a.keywords()) {
            kwargs.put(k.name(), eval(k.value(), scope));
        }
        if (a.dynArgs() != null) {
            for (Iterator<Object> it = Py.iterate(eval(a.dynArgs(), scope)); it.hasNext(); ) {
                args.add(it.next());
            }
        }
        if (a.dynKwargs() != null) {
            Object m = eval(a.dynKwargs(), scope);
            if (!(m instanceof Map<?, ?> map)) {
                throw TemplateException.typeError("argument after ** must be a mapping, not " + Py.typeName(m));
            }
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!Py.isText(e.getKey())) {
                    throw TemplateException.typeError("keywords must be strings");
                }
                kwargs.put(Py.text(e.getKey()), e.getValue());
            }
        }
    }

    Object call(Object callee, List<Object> args, Map<String, Object> kwargs) {
        if (callee instanceof Undefined u) {
            throw u.fail();
        }
        if (callee instanceof PyCallable c) {
            return c.call(this, args, kwargs);
        }
        throw TemplateException.typeError(Py.repr(Py.typeName(callee)) + " object is not callable");
    }
}
