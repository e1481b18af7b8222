/**
 * A Jinja interpreter for chat templates that renders as Hugging Face transformers renders them
 * with jinja2 3.1: an {@code ImmutableSandboxedEnvironment} with {@code trim_blocks},
 * {@code lstrip_blocks}, the loopcontrols extension and transformers' {@code generation} tag.
 *
 * <p>{@link exo.tokenizer.chat.jinja.Lexer} splits the source as jinja2's lexer does (whitespace
 * control, raw blocks, bracket balancing); {@link exo.tokenizer.chat.jinja.Parser} builds
 * {@link exo.tokenizer.chat.jinja.Node}s with jinja2's grammar and precedence, and
 * {@link exo.tokenizer.chat.jinja.DependencyCheck} refuses unknown filters and tests where jinja2's
 * compiler does; {@link exo.tokenizer.chat.jinja.Renderer} evaluates them. Values are plain Java
 * with Python's semantics ({@link exo.tokenizer.chat.jinja.Py}, {@link exo.tokenizer.chat.jinja.PyString},
 * {@link exo.tokenizer.chat.jinja.Operators}, {@link exo.tokenizer.chat.jinja.PyFormat},
 * {@link exo.tokenizer.chat.jinja.Json}); attribute and item access go through the sandbox's rules
 * ({@link exo.tokenizer.chat.jinja.Access}); jinja2's filters, tests and globals are
 * {@link exo.tokenizer.chat.jinja.Filters}, {@link exo.tokenizer.chat.jinja.Tests} and
 * {@link exo.tokenizer.chat.jinja.Builtins}. Errors carry jinja2's exception type and message.
 *
 * <p>Not here, each failing with a message that says so: template inheritance and loading
 * ({@code extends}, {@code include}, {@code import}, {@code block}), the filters random, urlize,
 * wordwrap, xmlattr, urlencode and striptags, {@code lipsum()}, a few rarely used str methods
 * (encode, translate, format_map). Integers beyond 64 bits are an OverflowError here where Python
 * grows them; a generator prints without its memory address.
 */
package exo.tokenizer.chat.jinja;
