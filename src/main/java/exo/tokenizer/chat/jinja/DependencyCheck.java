package exo.tokenizer.chat.jinja;

import exo.tokenizer.chat.jinja.Node.Args;
import exo.tokenizer.chat.jinja.Node.Expr;
import exo.tokenizer.chat.jinja.Node.Keyword;
import exo.tokenizer.chat.jinja.Node.Stmt;
import java.util.List;

/**
 * jinja2's compile-time check that the filters and tests a template names exist: an unknown one
 * fails the whole template, unless it sits in an {@code if} (its test and branches) or an inline
 * if-expression, where jinja2 defers the error to when it is reached ("soft" frames; a loop,
 * macro or block inside starts a frame of its own, which is not soft).
 */
final class DependencyCheck {
    private DependencyCheck() {
    }

    static void check(List<Stmt> body) {
        stmts(body, false);
    }

    private static void stmts(List<Stmt> body, boolean soft) {
        for (Stmt s : body) {
            stmt(s, soft);
        }
    }

    private static void stmt(Stmt s, boolean soft) {
        switch (s) {
            case Node.Data d -> {
            }
            case Node.Print p -> expr(p.expr(), soft);
            case Node.If i -> {
                for (Node.Branch b : i.branches()) {
                    expr(b.test(), true);
                    stmts(b.body(), true);
                }
                stmts(i.otherwise(), true);
            }
            case Node.For f -> {
                expr(f.iter(), soft);
                expr(f.filter(), false);
                stmts(f.body(), false);
                stmts(f.otherwise(), false);
            }
            case Node.Set st -> expr(st.value(), soft);
            case Node.SetBlock sb -> {
                expr(sb.filter(), false);
                stmts(sb.body(), false);
            }
            case Node.MacroDef m -> {
                for (Node.Param p : m.params()) {
                    expr(p.defaultValue(), false);
                }
                stmts(m.body(), false);
            }
            case Node.CallBlock c -> {
                expr(c.call(), soft);
                stmt(c.caller(), false);
            }
            case Node.FilterBlock fb -> {
                expr(fb.filter(), false);
                stmts(fb.body(), false);
            }
            case Node.With w -> {
                w.values().forEach(v -> expr(v, soft));
                stmts(w.body(), false);
            }
            case Node.Scoped sc -> stmts(sc.body(), false);
            case Node.NoLoader n -> expr(n.template(), soft);
            case Node.Break b -> {
            }
            case Node.Continue c -> {
            }
        }
    }

    private static void args(Args a, boolean soft) {
        a.positional().forEach(e -> expr(e, soft));
        for (Keyword k : a.keywords()) {
            expr(k.value(), soft);
        }
        expr(a.dynArgs(), soft);
        expr(a.dynKwargs(), soft);
    }

    private static TemplateException unknown(String kind, String name, int line) {
        return new TemplateException("TemplateAssertionError", "No " + kind + " named " + Py.repr(name) + ".", line);
    }

    private static void expr(Expr e, boolean soft) {
        switch (e) {
            case null -> {
            }
            case Node.Name n -> {
            }
            case Node.Const c -> {
            }
            case Node.ListExpr l -> l.items().forEach(x -> expr(x, soft));
            case Node.TupleExpr t -> t.items().forEach(x -> expr(x, soft));
            case Node.DictExpr d -> {
                d.keys().forEach(x -> expr(x, soft));
                d.values().forEach(x -> expr(x, soft));
            }
            case Node.GetAttr g -> expr(g.obj(), soft);
            case Node.GetItem g -> {
                expr(g.obj(), soft);
                expr(g.key(), soft);
            }
            case Node.Slice s -> {
                expr(s.start(), soft);
                expr(s.stop(), soft);
                expr(s.step(), soft);
            }
            case Node.Call c -> {
                expr(c.callee(), soft);
                args(c.args(), soft);
            }
            case Node.Filter f -> {
                if (!soft && !Filters.NAMES.contains(f.name())) {
                    throw unknown("filter", f.name(), f.line());
                }
                expr(f.value(), soft);
                args(f.args(), soft);
            }
            case Node.Test t -> {
                if (!soft && !Tests.NAMES.contains(t.name())) {
                    throw unknown("test", t.name(), t.line());
                }
                expr(t.value(), soft);
                args(t.args(), soft);
            }
            case Node.Unary u -> expr(u.operand(), soft);
            case Node.Binary b -> {
                expr(b.left(), soft);
                expr(b.right(), soft);
            }
            case Node.And a -> {
                expr(a.left(), soft);
                expr(a.right(), soft);
            }
            case Node.Or o -> {
                expr(o.left(), soft);
                expr(o.right(), soft);
            }
            case Node.Concat c -> c.parts().forEach(x -> expr(x, soft));
            case Node.Compare c -> {
                expr(c.first(), soft);
                c.rest().forEach(o -> expr(o.value(), soft));
            }
            case Node.CondExpr c -> {
                expr(c.test(), true);
                expr(c.then(), true);
                expr(c.otherwise(), true);
            }
        }
    }
}
