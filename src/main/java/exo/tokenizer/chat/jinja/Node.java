package exo.tokenizer.chat.jinja;

import java.util.List;

/** The syntax tree of a template, as jinja2's parser builds it (jinja2.nodes, what chat templates use). */
final class Node {
    private Node() {
    }

    /** An expression; {@code line} places errors. */
    sealed interface Expr {
        int line();
    }

    record Const(Object value, int line) implements Expr {
    }

    record Name(String name, int line) implements Expr {
    }

    record ListExpr(List<Expr> items, int line) implements Expr {
    }

    record TupleExpr(List<Expr> items, int line) implements Expr {
    }

    record DictExpr(List<Expr> keys, List<Expr> values, int line) implements Expr {
    }

    /** {@code obj.attr}: jinja2's getattr (attribute first, then item). */
    record GetAttr(Expr obj, String attr, int line) implements Expr {
    }

    /** {@code obj[key]}, also {@code obj.0}: jinja2's getitem (item first, then attribute). */
    record GetItem(Expr obj, Expr key, int line) implements Expr {
    }

    /** {@code start:stop:step} inside brackets; absent parts are null. */
    record Slice(Expr start, Expr stop, Expr step, int line) implements Expr {
    }

    record Keyword(String name, Expr value) {
    }

    /** Arguments of a call, filter or test; dynArgs/dynKwargs are {@code *x}/{@code **x} or null. */
    record Args(List<Expr> positional, List<Keyword> keywords, Expr dynArgs, Expr dynKwargs) {
        static final Args NONE = new Args(List.of(), List.of(), null, null);
    }

    record Call(Expr callee, Args args, int line) implements Expr {
    }

    /** {@code value | name(args)}; value is null in a filter block or {@code {% set x | f %}}. */
    record Filter(Expr value, String name, Args args, int line) implements Expr {
    }

    record Test(Expr value, String name, Args args, boolean negated, int line) implements Expr {
    }

    /** {@code not}, unary {@code -} and {@code +}. */
    record Unary(String op, Expr operand, int line) implements Expr {
    }

    /** Arithmetic: {@code + - * / // % **}. */
    record Binary(String op, Expr left, Expr right, int line) implements Expr {
    }

    record And(Expr left, Expr right, int line) implements Expr {
    }

    record Or(Expr left, Expr right, int line) implements Expr {
    }

    /** {@code a ~ b ~ c}. */
    record Concat(List<Expr> parts, int line) implements Expr {
    }

    record Operand(String op, Expr value) {
    }

    /** {@code a < b == c}, also {@code in} and {@code notin}: Python's chained comparison. */
    record Compare(Expr first, List<Operand> rest, int line) implements Expr {
    }

    /** {@code a if test else b}; otherwise null gives an Undefined. */
    record CondExpr(Expr test, Expr then, Expr otherwise, int line) implements Expr {
    }

    /** Where a value is stored: a name, names to unpack, or a namespace attribute. */
    sealed interface Target {
    }

    record NameTarget(String name) implements Target {
    }

    record TupleTarget(List<Target> items) implements Target {
    }

    record NamespaceTarget(String name, String attr, int line) implements Target {
    }

    /** A statement; {@code line} places errors. */
    sealed interface Stmt {
        int line();
    }

    record Data(String text, int line) implements Stmt {
    }

    record Print(Expr expr, int line) implements Stmt {
    }

    record Branch(Expr test, List<Stmt> body) {
    }

    record If(List<Branch> branches, List<Stmt> otherwise, int line) implements Stmt {
    }

    record For(Target target, Expr iter, Expr filter, boolean recursive, List<Stmt> body, List<Stmt> otherwise,
               int line) implements Stmt {
    }

    record Set(Target target, Expr value, int line) implements Stmt {
    }

    /** {@code {% set x | filter %}body{% endset %}}; filter may be null. */
    record SetBlock(Target target, Filter filter, List<Stmt> body, int line) implements Stmt {
    }

    record Param(String name, Expr defaultValue) {
    }

    /**
     * {@code {% macro name(params) %}}; the flags say whether the body reads {@code varargs},
     * {@code kwargs} or {@code caller}, which is what lets a call pass extra arguments or a caller.
     */
    record MacroDef(String name, List<Param> params, List<Stmt> body, boolean catchVarargs, boolean catchKwargs,
                    boolean usesCaller, int line) implements Stmt {
    }

    /** {@code {% call(params) macro(args) %}body{% endcall %}}. */
    record CallBlock(Call call, MacroDef caller, int line) implements Stmt {
    }

    /** {@code {% filter f %}body{% endfilter %}}: the rendered body through the filter (value null). */
    record FilterBlock(Filter filter, List<Stmt> body, int line) implements Stmt {
    }

    record With(List<Target> targets, List<Expr> values, List<Stmt> body, int line) implements Stmt {
    }

    /** Statements with a scope of their own, as transformers' {@code {% generation %}} block. */
    record Scoped(List<Stmt> body, int line) implements Stmt {
    }

    /** {@code include}, {@code import}, {@code from} or {@code extends}: chat templates have no other templates to load. */
    record NoLoader(String tag, Expr template, int line) implements Stmt {
    }

    record Break(int line) implements Stmt {
    }

    record Continue(int line) implements Stmt {
    }
}
