package exo.tokenizer.chat.jinja;

import exo.tokenizer.chat.jinja.Node.Args;
import exo.tokenizer.chat.jinja.Node.Expr;
import exo.tokenizer.chat.jinja.Node.Keyword;
import exo.tokenizer.chat.jinja.Node.Stmt;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Which of some names a macro body reads (jinja2 gives a macro varargs, kwargs or caller only when it does). */
final class NameFinder {
    private final Set<String> wanted;
    private final Set<String> found = new HashSet<>();

    private NameFinder(Set<String> wanted) {
        this.wanted = wanted;
    }

    static Set<String> referenced(List<Stmt> body, Set<String> wanted) {
        NameFinder f = new NameFinder(wanted);
        f.stmts(body);
        return f.found;
    }

    private void stmts(List<Stmt> body) {
        for (Stmt s : body) {
            stmt(s);
        }
    }

    private void stmt(Stmt s) {
        switch (s) {
            case Node.Data d -> {
            }
            case Node.Print p -> expr(p.expr());
            case Node.If i -> {
                for (Node.Branch b : i.branches()) {
                    expr(b.test());
                    stmts(b.body());
                }
                stmts(i.otherwise());
            }
            case Node.For f -> {
                expr(f.iter());
                expr(f.filter());
                stmts(f.body());
                stmts(f.otherwise());
            }
            case Node.Set st -> expr(st.value());
            case Node.SetBlock sb -> {
                expr(sb.filter());
                stmts(sb.body());
            }
            case Node.MacroDef m -> {
                for (Node.Param p : m.params()) {
                    expr(p.defaultValue());
                }
                stmts(m.body());
            }
            case Node.CallBlock c -> {
                expr(c.call());
                stmt(c.caller());
            }
            case Node.FilterBlock fb -> {
                expr(fb.filter());
                stmts(fb.body());
            }
            case Node.With w -> {
                w.values().forEach(this::expr);
                stmts(w.body());
            }
            case Node.Scoped sc -> stmts(sc.body());
            case Node.NoLoader n -> expr(n.template());
            case Node.Break b -> {
            }
            case Node.Continue c -> {
            }
        }
    }

    private void args(Args a) {
        a.positional().forEach(this::expr);
        for (Keyword k : a.keywords()) {
            expr(k.value());
        }
        expr(a.dynArgs());
        expr(a.dynKwargs());
    }

    private void expr(Expr e) {
        switch (e) {
            case null -> {
            }
            case Node.Name n -> {
                if (wanted.contains(n.name())) {
                    found.add(n.name());
                }
            }
            case Node.Const c -> {
            }
            case Node.ListExpr l -> l.items().forEach(this::expr);
            case Node.TupleExpr t -> t.items().forEach(this::expr);
            case Node.DictExpr d -> {
                d.keys().forEach(this::expr);
                d.values().forEach(this::expr);
            }
            case Node.GetAttr g -> expr(g.obj());
            case Node.GetItem g -> {
                expr(g.obj());
                expr(g.key());
            }
            case Node.Slice s -> {
                expr(s.start());
                expr(s.stop());
                expr(s.step());
            }
            case Node.Call c -> {
                expr(c.callee());
                args(c.args());
            }
            case Node.Filter f -> {
                expr(f.value());
                args(f.args());
            }
            case Node.Test t -> {
                expr(t.value());
                args(t.args());
            }
            case Node.Unary u -> expr(u.operand());
            case Node.Binary b -> {
                expr(b.left());
                expr(b.right());
            }
            case Node.And a -> {
                expr(a.left());
                expr(a.right());
            }
            case Node.Or o -> {
                expr(o.left());
                expr(o.right());
            }
            case Node.Concat c -> c.parts().forEach(this::expr);
            case Node.Compare c -> {
                expr(c.first());
                c.rest().forEach(o -> expr(o.value()));
            }
            case Node.CondExpr c -> {
                expr(c.test());
                expr(c.then());
                expr(c.otherwise());
            }
        }
    }
}
