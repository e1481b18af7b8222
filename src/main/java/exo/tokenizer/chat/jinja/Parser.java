package exo.tokenizer.chat.jinja;

import exo.tokenizer.chat.jinja.Node.And;
import exo.tokenizer.chat.jinja.Node.Args;
import exo.tokenizer.chat.jinja.Node.Binary;
import exo.tokenizer.chat.jinja.Node.Branch;
import exo.tokenizer.chat.jinja.Node.Call;
import exo.tokenizer.chat.jinja.Node.CallBlock;
import exo.tokenizer.chat.jinja.Node.Compare;
import exo.tokenizer.chat.jinja.Node.Concat;
import exo.tokenizer.chat.jinja.Node.CondExpr;
import exo.tokenizer.chat.jinja.Node.Const;
import exo.tokenizer.chat.jinja.Node.Data;
import exo.tokenizer.chat.jinja.Node.DictExpr;
import exo.tokenizer.chat.jinja.Node.Expr;
import exo.tokenizer.chat.jinja.Node.Filter;
import exo.tokenizer.chat.jinja.Node.FilterBlock;
import exo.tokenizer.chat.jinja.Node.For;
import exo.tokenizer.chat.jinja.Node.GetAttr;
import exo.tokenizer.chat.jinja.Node.GetItem;
import exo.tokenizer.chat.jinja.Node.If;
import exo.tokenizer.chat.jinja.Node.Keyword;
import exo.tokenizer.chat.jinja.Node.ListExpr;
import exo.tokenizer.chat.jinja.Node.MacroDef;
import exo.tokenizer.chat.jinja.Node.Name;
import exo.tokenizer.chat.jinja.Node.NameTarget;
import exo.tokenizer.chat.jinja.Node.NamespaceTarget;
import exo.tokenizer.chat.jinja.Node.Operand;
import exo.tokenizer.chat.jinja.Node.Or;
import exo.tokenizer.chat.jinja.Node.Param;
import exo.tokenizer.chat.jinja.Node.Print;
import exo.tokenizer.chat.jinja.Node.Scoped;
import exo.tokenizer.chat.jinja.Node.SetBlock;
import exo.tokenizer.chat.jinja.Node.Slice;
import exo.tokenizer.chat.jinja.Node.Stmt;
import exo.tokenizer.chat.jinja.Node.Target;
import exo.tokenizer.chat.jinja.Node.Test;
import exo.tokenizer.chat.jinja.Node.TupleExpr;
import exo.tokenizer.chat.jinja.Node.TupleTarget;
import exo.tokenizer.chat.jinja.Node.Unary;
import exo.tokenizer.chat.jinja.Node.With;
import exo.tokenizer.chat.jinja.Token.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * jinja2's parser (jinja2/parser.py) for the statements and expressions chat templates use,
 * with the same precedence: conditional expression, or, and, not, comparisons (chained, with
 * {@code in} and {@code not in}), {@code + -}, {@code ~}, {@code * / // %}, {@code **}, unary
 * {@code - +}, then postfix (attribute, item, slice, call) and filters and tests, which bind
 * tighter than any operator. The loopcontrols extension ({@code break}, {@code continue}) and
 * transformers' {@code generation} tag are part of the language here, as in transformers.
 */
final class Parser {
    private static final Set<String> COMPARE = Set.of("==", "!=", "<", "<=", ">", ">=");
    private static final Set<String> TAGS = Set.of("for", "if", "set", "macro", "call", "filter", "with", "print",
            "break", "continue", "generation", "block", "extends", "include", "from", "import", "autoescape");
    private static final Set<String> CONSTANT_NAMES = Set.of("true", "false", "none", "True", "False", "None");

    private final List<Token> tokens;
    private int index;
    private final Deque<String> tagStack = new ArrayDeque<>();

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Stmt> parse(String source) {
        Parser p = new Parser(Lexer.tokenize(source));
        List<Stmt> body = p.subparse(null);
        DependencyCheck.check(body);
        return body;
    }

    // ---- token stream ----

    private Token current() {
        return tokens.get(index);
    }

    private Token look() {
        return tokens.get(Math.min(index + 1, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(index);
        if (index < tokens.size() - 1) {
            index++;
        }
        return t;
    }

    private TemplateException fail(String message, int line) {
        return new TemplateException("TemplateSyntaxError", message, line);
    }

    private Token expectOperator(String op) {
        Token t = current();
        if (!t.isOperator(op)) {
            throw unexpected("'" + op + "'");
        }
        return next();
    }

    private Token expect(Kind kind, String what) {
        Token t = current();
        if (!t.is(kind)) {
            throw unexpected(what);
        }
        return next();
    }

    private Token expectName(String name) {
        Token t = current();
        if (!t.isName(name)) {
            throw unexpected("'" + name + "'");
        }
        return next();
    }

    private TemplateException unexpected(String expected) {
        Token t = current();
        if (t.is(Kind.EOF)) {
            return fail("unexpected end of template, expected " + expected + ".", t.line());
        }
        return fail("expected token " + expected + ", got " + Py.repr(t.describe()), t.line());
    }

    private boolean skipOperator(String op) {
        if (current().isOperator(op)) {
            next();
            return true;
        }
        return false;
    }

    private boolean skipName(String name) {
        if (current().isName(name)) {
            next();
            return true;
        }
        return false;
    }

    // ---- statements ----

    private List<Stmt> subparse(Set<String> endTokens) {
        List<Stmt> body = new ArrayList<>();
        while (!current().is(Kind.EOF)) {
            Token t = current();
            switch (t.kind()) {
                case DATA -> {
                    body.add(new Data((String) t.value(), t.line()));
                    next();
                }
                case VARIABLE_BEGIN -> {
                    next();
                    body.add(new Print(parseTuple(false, true, null, false), t.line()));
                    expect(Kind.VARIABLE_END, "'end of print statement'");
                }
                case BLOCK_BEGIN -> {
                    next();
                    if (endTokens != null && current().is(Kind.NAME) && endTokens.contains((String) current().value())) {
                        return body;
                    }
                    body.add(parseStatement());
                    expect(Kind.BLOCK_END, "'end of statement block'");
                }
                default -> throw fail("internal parsing error: unexpected " + Py.repr(t.describe()), t.line());
            }
        }
        return body;
    }

    private List<Stmt> parseStatements(Set<String> endTokens, boolean dropNeedle) {
        skipOperator(":");
        expect(Kind.BLOCK_END, "'end of statement block'");
        List<Stmt> body = subparse(endTokens);
        if (current().is(Kind.EOF)) {
            throw failEof(endTokens);
        }
        if (dropNeedle) {
            next();
        }
        return body;
    }

    private TemplateException failEof(Set<String> endTokens) {
        StringBuilder m = new StringBuilder("Unexpected end of template.");
        if (endTokens != null) {
            m.append(" Jinja was looking for the following tags: ").append(describeTags(endTokens)).append('.');
        }
        if (!tagStack.isEmpty()) {
            m.append(" The innermost block that needs to be closed is '").append(tagStack.peek()).append("'.");
        }
        return fail(m.toString(), current().line());
    }

    private static String describeTags(Set<String> tags) {
        List<String> sorted = new ArrayList<>(tags);
        sorted.sort(null);
        List<String> quoted = sorted.stream().map(s -> "'" + s + "'").toList();
        return String.join(" or ", quoted);
    }

    private Stmt parseStatement() {
        Token t = current();
        if (!t.is(Kind.NAME)) {
            throw fail("tag name expected", t.line());
        }
        String tag = (String) t.value();
        if (!TAGS.contains(tag)) {
            throw unknownTag(tag, t.line());
        }
        tagStack.push(tag);
        try {
            return switch (tag) {
                case "for" -> parseFor();
                case "if" -> parseIf();
                case "set" -> parseSet();
                case "macro" -> parseMacro();
                case "call" -> parseCallBlock();
                case "filter" -> parseFilterBlock();
                case "with" -> parseWith();
                case "print" -> parsePrint();
                case "break" -> new Node.Break(next().line());
                case "continue" -> new Node.Continue(next().line());
                case "generation" -> {
                    next();
                    yield new Scoped(parseStatements(Set.of("endgeneration"), true), t.line());
                }
                case "include", "import", "from", "extends" -> parseNoLoader(tag);
                default -> throw fail("the '" + tag + "' tag is not supported in chat templates", t.line());
            };
        } finally {
            tagStack.pop();
        }
    }

    private TemplateException unknownTag(String tag, int line) {
        StringBuilder m = new StringBuilder("Encountered unknown tag '" + tag + "'.");
        if (!tagStack.isEmpty()) {
            String open = tagStack.peek();
            String expected = switch (open) {
                case "if" -> "'elif' or 'else' or 'endif'";
                case "for" -> "'endfor' or 'else'";
                default -> "'end" + open + "'";
            };
            m.append(" Jinja was looking for the following tags: ").append(expected)
                    .append(". The innermost block that needs to be closed is '").append(open).append("'.");
        }
        return fail(m.toString(), line);
    }

    /** The template name, then whatever follows (as, import, with context, ...), which never runs. */
    private Stmt parseNoLoader(String tag) {
        int line = next().line();
        Expr template = parseExpression(true);
        while (!current().is(Kind.BLOCK_END) && !current().is(Kind.EOF)) {
            next();
        }
        return new Node.NoLoader(tag, template, line);
    }

    private Stmt parsePrint() {
        int line = next().line();
        List<Expr> items = new ArrayList<>();
        while (!current().is(Kind.BLOCK_END)) {
            if (!items.isEmpty()) {
                expectOperator(",");
            }
            items.add(parseExpression(true));
        }
        if (items.size() == 1) {
            return new Print(items.get(0), line);
        }
        List<Stmt> prints = new ArrayList<>();
        for (Expr e : items) {
            prints.add(new Print(e, line));
        }
        return new If(List.of(new Branch(new Const(true, line), prints)), List.of(), line);
    }

    private Stmt parseFor() {
        int line = expectName("for").line();
        Target target = parseAssignTarget(true, false, Set.of("in"), false);
        expectName("in");
        Expr iter = parseTuple(false, false, Set.of("recursive"), false);
        Expr filter = null;
        if (skipName("if")) {
            filter = parseExpression(true);
        }
        boolean recursive = skipName("recursive");
        List<Stmt> body = parseStatements(Set.of("endfor", "else"), false);
        List<Stmt> otherwise = List.of();
        if (!next().value().equals("endfor")) {
            otherwise = parseStatements(Set.of("endfor"), true);
        }
        return new For(target, iter, filter, recursive, body, otherwise, line);
    }

    private Stmt parseIf() {
        int line = expectName("if").line();
        List<Branch> branches = new ArrayList<>();
        List<Stmt> otherwise = List.of();
        while (true) {
            Expr test = parseTuple(false, false, null, false);
            List<Stmt> body = parseStatements(Set.of("elif", "else", "endif"), false);
            branches.add(new Branch(test, body));
            Token t = next();
            if (t.isName("elif")) {
                continue;
            }
            if (t.isName("else")) {
                otherwise = parseStatements(Set.of("endif"), true);
            }
            break;
        }
        return new If(branches, otherwise, line);
    }

    private Stmt parseSet() {
        int line = next().line();
        Target target = parseAssignTarget(true, false, null, true);
        if (skipOperator("=")) {
            return new Node.Set(target, parseTuple(false, true, null, false), line);
        }
        Filter filter = parseFilter(null, false);
        List<Stmt> body = parseStatements(Set.of("endset"), true);
        return new SetBlock(target, filter, body, line);
    }

    private Stmt parseMacro() {
        int line = next().line();
        String name = ((NameTarget) parseAssignTarget(false, true, null, false)).name();
        List<Param> params = parseSignature();
        List<Stmt> body = parseStatements(Set.of("endmacro"), true);
        return macro(name, params, body, line);
    }

    private static MacroDef macro(String name, List<Param> params, List<Stmt> body, int line) {
        Set<String> used = NameFinder.referenced(body, Set.of("varargs", "kwargs", "caller"));
        Set<String> declared = new java.util.HashSet<>();
        for (Param p : params) {
            declared.add(p.name());
            if (p.name().equals("caller") && p.defaultValue() == null && used.contains("caller")) {
                throw new TemplateException("TemplateAssertionError", "When defining macros or call blocks the "
                        + "special \"caller\" argument must be omitted or be given a default.", line);
            }
        }
        // a parameter of that name is an ordinary parameter, as in jinja2
        return new MacroDef(name, params, body, used.contains("varargs") && !declared.contains("varargs"),
                used.contains("kwargs") && !declared.contains("kwargs"),
                used.contains("caller") && !declared.contains("caller"), line);
    }

    private List<Param> parseSignature() {
        List<Param> params = new ArrayList<>();
        boolean defaults = false;
        expectOperator("(");
        while (!current().isOperator(")")) {
            if (!params.isEmpty()) {
                expectOperator(",");
            }
            String name = ((NameTarget) parseAssignTarget(false, true, null, false)).name();
            Expr defaultValue = null;
            if (skipOperator("=")) {
                defaultValue = parseExpression(true);
                defaults = true;
            } else if (defaults) {
                throw fail("non-default argument follows default argument", current().line());
            }
            params.add(new Param(name, defaultValue));
        }
        expectOperator(")");
        return params;
    }

    private Stmt parseCallBlock() {
        int line = next().line();
        List<Param> params = current().isOperator("(") ? parseSignature() : List.of();
        Expr call = parseExpression(true);
        if (!(call instanceof Call c)) {
            throw fail("expected call", line);
        }
        List<Stmt> body = parseStatements(Set.of("endcall"), true);
        return new CallBlock(c, macro("caller", params, body, line), line);
    }

    private Stmt parseFilterBlock() {
        int line = next().line();
        Filter filter = parseFilter(null, true);
        List<Stmt> body = parseStatements(Set.of("endfilter"), true);
        return new FilterBlock(filter, body, line);
    }

    private Stmt parseWith() {
        int line = next().line();
        List<Target> targets = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (!current().is(Kind.BLOCK_END)) {
            if (!targets.isEmpty()) {
                expectOperator(",");
            }
            targets.add(parseAssignTarget(true, false, null, false));
            expectOperator("=");
            values.add(parseExpression(true));
        }
        List<Stmt> body = parseStatements(Set.of("endwith"), true);
        return new With(targets, values, body, line);
    }

    private Target parseAssignTarget(boolean withTuple, boolean nameOnly, Set<String> extraEnd, boolean withNamespace) {
        Token t = current();
        if (withNamespace && look().isOperator(".")) {
            Token name = expect(Kind.NAME, "name");
            next();
            Token attr = expect(Kind.NAME, "name");
            return new NamespaceTarget((String) name.value(), (String) attr.value(), name.line());
        }
        if (nameOnly) {
            Token name = expect(Kind.NAME, "name");
            return target(new Name((String) name.value(), name.line()));
        }
        Expr e = withTuple ? parseTuple(true, true, extraEnd, false) : parsePrimary();
        return target(e);
    }

    private Target target(Expr e) {
        if (e instanceof Name n && !CONSTANT_NAMES.contains(n.name())) {
            return new NameTarget(n.name());
        }
        if (e instanceof TupleExpr t) {
            List<Target> items = new ArrayList<>();
            for (Expr item : t.items()) {
                items.add(target(item));
            }
            return new TupleTarget(items);
        }
        throw fail("can't assign to " + Py.repr(e instanceof Name ? "Const" : e.getClass().getSimpleName()), e.line());
    }

    // ---- expressions ----

    private Expr parseExpression(boolean withCondexpr) {
        return withCondexpr ? parseCondexpr() : parseOr();
    }

    private Expr parseCondexpr() {
        int line = current().line();
        Expr expr1 = parseOr();
        while (skipName("if")) {
            Expr test = parseOr();
            Expr otherwise = skipName("else") ? parseCondexpr() : null;
            expr1 = new CondExpr(test, expr1, otherwise, line);
            line = current().line();
        }
        return expr1;
    }

    private Expr parseOr() {
        int line = current().line();
        Expr left = parseAnd();
        while (skipName("or")) {
            left = new Or(left, parseAnd(), line);
            line = current().line();
        }
        return left;
    }

    private Expr parseAnd() {
        int line = current().line();
        Expr left = parseNot();
        while (skipName("and")) {
            left = new And(left, parseNot(), line);
            line = current().line();
        }
        return left;
    }

    private Expr parseNot() {
        if (current().isName("not")) {
            int line = next().line();
            return new Unary("not", parseNot(), line);
        }
        return parseCompare();
    }

    private Expr parseCompare() {
        int line = current().line();
        Expr expr = parseMath1();
        List<Operand> ops = new ArrayList<>();
        while (true) {
            Token t = current();
            if (t.is(Kind.OPERATOR) && COMPARE.contains((String) t.value())) {
                next();
                ops.add(new Operand((String) t.value(), parseMath1()));
            } else if (skipName("in")) {
                ops.add(new Operand("in", parseMath1()));
            } else if (t.isName("not") && look().isName("in")) {
                next();
                next();
                ops.add(new Operand("notin", parseMath1()));
            } else {
                break;
            }
            line = current().line();
        }
        return ops.isEmpty() ? expr : new Compare(expr, ops, line);
    }

    private Expr parseMath1() {
        int line = current().line();
        Expr left = parseConcat();
        while (current().isOperator("+") || current().isOperator("-")) {
            String op = (String) next().value();
            left = new Binary(op, left, parseConcat(), line);
            line = current().line();
        }
        return left;
    }

    private Expr parseConcat() {
        int line = current().line();
        List<Expr> args = new ArrayList<>();
        args.add(parseMath2());
        while (skipOperator("~")) {
            args.add(parseMath2());
        }
        return args.size() == 1 ? args.get(0) : new Concat(args, line);
    }

    private Expr parseMath2() {
        int line = current().line();
        Expr left = parsePow();
        while (current().isOperator("*") || current().isOperator("/") || current().isOperator("//")
                || current().isOperator("%")) {
            String op = (String) next().value();
            left = new Binary(op, left, parsePow(), line);
            line = current().line();
        }
        return left;
    }

    private Expr parsePow() {
        int line = current().line();
        Expr left = parseUnary(true);
        while (skipOperator("**")) {
            left = new Binary("**", left, parseUnary(true), line);
            line = current().line();
        }
        return left;
    }

    private Expr parseUnary(boolean withFilter) {
        Token t = current();
        Expr node;
        if (t.isOperator("-") || t.isOperator("+")) {
            next();
            node = new Unary((String) t.value(), parseUnary(false), t.line());
        } else {
            node = parsePrimary();
        }
        node = parsePostfix(node);
        if (withFilter) {
            node = parseFilterExpr(node);
        }
        return node;
    }

    private Expr parsePrimary() {
        Token t = current();
        switch (t.kind()) {
            case NAME -> {
                next();
                String v = (String) t.value();
                return switch (v) {
                    case "true", "True" -> new Const(true, t.line());
                    case "false", "False" -> new Const(false, t.line());
                    case "none", "None" -> new Const(null, t.line());
                    default -> new Name(v, t.line());
                };
            }
            case STRING -> {
                next();
                StringBuilder b = new StringBuilder((String) t.value());
                while (current().is(Kind.STRING)) {
                    b.append((String) next().value());
                }
                return new Const(b.toString(), t.line());
            }
            case INTEGER, FLOAT -> {
                next();
                return new Const(t.value(), t.line());
            }
            case OPERATOR -> {
                switch ((String) t.value()) {
                    case "(" -> {
                        next();
                        Expr e = parseTuple(false, true, null, true);
                        expectOperator(")");
                        return e;
                    }
                    case "[" -> {
                        return parseList();
                    }
                    case "{" -> {
                        return parseDict();
                    }
                    default -> throw fail("unexpected " + Py.repr(t.describe()), t.line());
                }
            }
            default -> throw fail("unexpected " + Py.repr(t.describe()), t.line());
        }
    }

    /**
     * jinja2's parse_tuple: a comma-separated list is a tuple, a single item is itself.
     * simplified: items are primaries (assignment targets).
     */
    private Expr parseTuple(boolean simplified, boolean withCondexpr, Set<String> extraEnd, boolean explicitParens) {
        int line = current().line();
        List<Expr> args = new ArrayList<>();
        boolean isTuple = false;
        while (true) {
            if (!args.isEmpty()) {
                expectOperator(",");
            }
            if (isTupleEnd(extraEnd)) {
                break;
            }
            args.add(simplified ? parsePrimary() : parseExpression(withCondexpr));
            if (current().isOperator(",")) {
                isTuple = true;
            } else {
                break;
            }
            line = current().line();
        }
        if (!isTuple) {
            if (!args.isEmpty()) {
                return args.get(0);
            }
            if (!explicitParens) {
                throw fail("Expected an expression, got " + Py.repr(current().describe()), current().line());
            }
        }
        return new TupleExpr(args, line);
    }

    private boolean isTupleEnd(Set<String> extraEnd) {
        Token t = current();
        if (t.is(Kind.VARIABLE_END) || t.is(Kind.BLOCK_END) || t.isOperator(")")) {
            return true;
        }
        return extraEnd != null && t.is(Kind.NAME) && extraEnd.contains((String) t.value());
    }

    private Expr parseList() {
        Token t = expectOperator("[");
        List<Expr> items = new ArrayList<>();
        while (!current().isOperator("]")) {
            if (!items.isEmpty()) {
                expectOperator(",");
            }
            if (current().isOperator("]")) {
                break;
            }
            items.add(parseExpression(true));
        }
        expectOperator("]");
        return new ListExpr(items, t.line());
    }

    private Expr parseDict() {
        Token t = expectOperator("{");
        List<Expr> keys = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (!current().isOperator("}")) {
            if (!keys.isEmpty()) {
                expectOperator(",");
            }
            if (current().isOperator("}")) {
                break;
            }
            keys.add(parseExpression(true));
            expectOperator(":");
            values.add(parseExpression(true));
        }
        expectOperator("}");
        return new DictExpr(keys, values, t.line());
    }

    private Expr parsePostfix(Expr node) {
        while (true) {
            Token t = current();
            if (t.isOperator(".") || t.isOperator("[")) {
                node = parseSubscript(node);
            } else if (t.isOperator("(")) {
                node = new Call(node, parseCallArgs(), t.line());
            } else {
                return node;
            }
        }
    }

    private Expr parseFilterExpr(Expr node) {
        while (true) {
            Token t = current();
            if (t.isOperator("|")) {
                node = parseFilter(node, false);
            } else if (t.isName("is")) {
                node = parseTest(node);
            } else if (t.isOperator("(")) {
                node = new Call(node, parseCallArgs(), t.line());
            } else {
                return node;
            }
        }
    }

    private Expr parseSubscript(Expr node) {
        Token t = next();
        if (t.isOperator(".")) {
            Token attr = current();
            next();
            if (attr.is(Kind.NAME)) {
                return new GetAttr(node, (String) attr.value(), t.line());
            }
            if (!attr.is(Kind.INTEGER)) {
                throw fail("expected name or number", attr.line());
            }
            return new GetItem(node, new Const(attr.value(), attr.line()), t.line());
        }
        List<Expr> args = new ArrayList<>();
        while (!current().isOperator("]")) {
            if (!args.isEmpty()) {
                expectOperator(",");
            }
            args.add(parseSubscribed());
        }
        expectOperator("]");
        Expr key = args.size() == 1 ? args.get(0) : new TupleExpr(args, t.line());
        return new GetItem(node, key, t.line());
    }

    private Expr parseSubscribed() {
        int line = current().line();
        Expr start = null;
        if (current().isOperator(":")) {
            next();
        } else {
            Expr e = parseExpression(true);
            if (!current().isOperator(":")) {
                return e;
            }
            next();
            start = e;
        }
        Expr stop = null;
        if (!current().isOperator(":") && !current().isOperator("]") && !current().isOperator(",")) {
            stop = parseExpression(true);
        }
        Expr step = null;
        if (current().isOperator(":")) {
            next();
            if (!current().isOperator("]") && !current().isOperator(",")) {
                step = parseExpression(true);
            }
        }
        return new Slice(start, stop, step, line);
    }

    private Args parseCallArgs() {
        Token open = expectOperator("(");
        List<Expr> args = new ArrayList<>();
        List<Keyword> kwargs = new ArrayList<>();
        Expr dynArgs = null;
        Expr dynKwargs = null;
        boolean requireComma = false;
        while (!current().isOperator(")")) {
            if (requireComma) {
                expectOperator(",");
                if (current().isOperator(")")) {
                    break;
                }
            }
            if (current().isOperator("*")) {
                ensure(dynArgs == null && dynKwargs == null, open);
                next();
                dynArgs = parseExpression(true);
            } else if (current().isOperator("**")) {
                ensure(dynKwargs == null, open);
                next();
                dynKwargs = parseExpression(true);
            } else if (current().is(Kind.NAME) && look().isOperator("=")) {
                ensure(dynKwargs == null, open);
                String key = (String) next().value();
                next();
                kwargs.add(new Keyword(key, parseExpression(true)));
            } else {
                ensure(dynArgs == null && dynKwargs == null && kwargs.isEmpty(), open);
                args.add(parseExpression(true));
            }
            requireComma = true;
        }
        expectOperator(")");
        return new Args(args, kwargs, dynArgs, dynKwargs);
    }

    private void ensure(boolean ok, Token at) {
        if (!ok) {
            throw fail("invalid syntax for function call expression", at.line());
        }
    }

    private Filter parseFilter(Expr node, boolean startInline) {
        Filter result = null;
        while (current().isOperator("|") || startInline) {
            if (!startInline) {
                next();
            }
            Token t = expect(Kind.NAME, "name");
            StringBuilder name = new StringBuilder((String) t.value());
            while (current().isOperator(".")) {
                next();
                name.append('.').append((String) expect(Kind.NAME, "name").value());
            }
            Args args = current().isOperator("(") ? parseCallArgs() : Args.NONE;
            result = new Filter(result == null ? node : result, name.toString(), args, t.line());
            startInline = false;
        }
        return result;
    }

    private Expr parseTest(Expr node) {
        Token is = next();
        boolean negated = skipName("not");
        Token t = expect(Kind.NAME, "name");
        StringBuilder name = new StringBuilder((String) t.value());
        while (current().isOperator(".")) {
            next();
            name.append('.').append((String) expect(Kind.NAME, "name").value());
        }
        Args args = Args.NONE;
        Token c = current();
        if (c.isOperator("(")) {
            args = parseCallArgs();
        } else if ((c.is(Kind.NAME) || c.is(Kind.STRING) || c.is(Kind.INTEGER) || c.is(Kind.FLOAT)
                || c.isOperator("(") || c.isOperator("[") || c.isOperator("{"))
                && !c.isName("else") && !c.isName("or") && !c.isName("and")) {
            if (c.isName("is")) {
                throw fail("You cannot chain multiple tests with is", c.line());
            }
            Expr arg = parsePostfix(parsePrimary());
            args = new Args(List.of(arg), List.of(), null, null);
        }
        return new Test(node, name.toString(), args, negated, is.line());
    }
}
