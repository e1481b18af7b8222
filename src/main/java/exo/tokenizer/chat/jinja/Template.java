package exo.tokenizer.chat.jinja;

import exo.tokenizer.chat.jinja.Node.Stmt;
import java.util.List;
import java.util.Map;

/**
 * A Jinja template parsed once and rendered any number of times, from any thread, exactly as
 * Hugging Face transformers renders chat templates with jinja2: an ImmutableSandboxedEnvironment
 * with {@code trim_blocks} and {@code lstrip_blocks}, the loopcontrols extension and the
 * {@code {% generation %}} tag. Variables are plain Java values (String, Integer/Long,
 * Float/Double, Boolean, null, List, Map with String keys, {@link TemplateFunction}); a missing
 * one is jinja2's Undefined.
 */
public final class Template {
    private final List<Stmt> body;

    private Template(List<Stmt> body) {
        this.body = body;
    }

    /** @throws TemplateException (kind "TemplateSyntaxError") for a template jinja2 would not compile */
    public static Template parse(String source) {
        try {
            return new Template(Parser.parse(source));
        } catch (StackOverflowError e) {
            throw new TemplateException("RecursionError", "maximum recursion depth exceeded while parsing");
        }
    }

    /** Python's str() of a value a {@link TemplateFunction} was given (what printing it in a template shows). */
    public static String str(Object value) {
        return Py.str(value);
    }

    /** Python's type name of a value a {@link TemplateFunction} was given, for its error messages. */
    public static String typeName(Object value) {
        return Py.typeName(value);
    }

    /** @throws TemplateException when the template fails or refuses, with jinja2's message */
    public String render(Map<String, ?> variables) {
        Map<String, Object> context = Builtins.globals();
        for (Map.Entry<String, ?> e : variables.entrySet()) {
            context.put(e.getKey(), Values.of(e.getValue()));
        }
        try {
            return new Renderer().render(body, Scope.root(context));
        } catch (StackOverflowError e) {
            throw new TemplateException("RecursionError", "maximum recursion depth exceeded");
        }
    }
}
