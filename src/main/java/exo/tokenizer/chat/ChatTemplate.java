package exo.tokenizer.chat;

import exo.tokenizer.Tokenizer;
import exo.tokenizer.chat.jinja.Template;
import exo.tokenizer.chat.jinja.TemplateException;
import exo.tokenizer.chat.jinja.TemplateFunction;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A Hugging Face chat template, rendered as transformers' apply_chat_template renders it with
 * jinja2: an ImmutableSandboxedEnvironment with trim_blocks and lstrip_blocks, the variables
 * {@code messages}, {@code tools} (only when there are tools), {@code add_generation_prompt},
 * {@code bos_token}, {@code eos_token} and any extra ones (chat_template_kwargs), and the
 * functions {@code raise_exception(message)}, which refuses the conversation with that
 * message, and {@code strftime_now(format)}, the machine's local date and time (pinned by
 * {@link #withToday} for reproducible renderings).
 *
 * <p>The template runs on exo's own Jinja interpreter ({@link Template}, package
 * {@code exo.tokenizer.chat.jinja}): a lexer, parser and evaluator written against jinja2's
 * source, with Python's semantics for the values templates compute with. Jinjava, used before,
 * is a different language in the details chat templates depend on (whitespace control on
 * expressions, Python's str methods and slicing, {@code namespace()} with keyword arguments,
 * {@code is defined} for globals, json.dumps spacing, the sandbox's refusals), and bridging each
 * difference with shims still left 28 of 205 reference conversations wrong.
 *
 * <p>The template is parsed once, when the instance is made; a template that does not parse
 * fails when it is rendered (a model whose template is broken can still complete raw text).
 * Immutable; safe to share between threads.
 */
public final class ChatTemplate {
    private final String source;
    private final String bosToken;
    private final String eosToken;
    /** The date strftime_now gives, at midnight; null for the machine's clock. */
    private final LocalDate today;
    private final Template template;
    private final TemplateException parseError;

    private ChatTemplate(String source, String bosToken, String eosToken, LocalDate today, Template template,
                         TemplateException parseError) {
        this.source = source;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.today = today;
        this.template = template;
        this.parseError = parseError;
    }

    /**
     * @param source   the Jinja text (tokenizer.chat_template)
     * @param bosToken the text of the BOS token, or "" when the vocabulary has none
     * @param eosToken the text of the EOS token, or ""
     */
    public static ChatTemplate of(String source, String bosToken, String eosToken) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(bosToken, "bosToken");
        Objects.requireNonNull(eosToken, "eosToken");
        Template parsed = null;
        TemplateException error = null;
        try {
            parsed = Template.parse(source);
        } catch (TemplateException e) {
            error = e;
        }
        return new ChatTemplate(source, bosToken, eosToken, null, parsed, error);
    }

    /** The same template with {@code strftime_now} fixed to midnight of {@code date} (as a reference rendering was made). */
    public ChatTemplate withToday(LocalDate date) {
        return new ChatTemplate(source, bosToken, eosToken, Objects.requireNonNull(date, "date"), template, parseError);
    }

    public String source() {
        return source;
    }

    public String bosToken() {
        return bosToken;
    }

    public String eosToken() {
        return eosToken;
    }

    /**
     * Renders the conversation.
     *
     * @param addGenerationPrompt end with the header of an assistant turn, for the model to write
     * @throws ChatTemplateException when the template raises or cannot be rendered
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(ChatTemplateInput.of(messages, addGenerationPrompt));
    }

    /**
     * Renders messages given as JSON-like values, with tools and extra variables.
     *
     * @throws ChatTemplateException when the template raises or cannot be rendered
     */
    public String render(ChatTemplateInput input) {
        if (parseError != null) {
            throw failure(parseError);
        }
        Map<String, Object> vars = new HashMap<>(functions(today != null ? today::atStartOfDay : LocalDateTime::now));
        vars.put("bos_token", bosToken);
        vars.put("eos_token", eosToken);
        vars.putAll(input.variables());
        vars.put("messages", input.messages());
        if (input.tools() != null) {
            vars.put("tools", input.tools());
        }
        vars.put("add_generation_prompt", input.addGenerationPrompt());
        try {
            return template.render(vars);
        } catch (TemplateException e) {
            throw failure(e);
        }
    }

    /**
     * Renders and tokenizes the conversation as llama.cpp's chat code does: special token texts
     * in the rendered prompt become those tokens, and a BOS (EOS) text the template wrote at the
     * start (end) is dropped when the tokenizer adds that token itself, so it is not doubled.
     */
    public int[] encode(Tokenizer tokenizer, List<ChatMessage> messages, boolean addGenerationPrompt) {
        return encode(tokenizer, ChatTemplateInput.of(messages, addGenerationPrompt));
    }

    /** {@link #encode(Tokenizer, List, boolean)} for messages with tools and extra variables. */
    public int[] encode(Tokenizer tokenizer, ChatTemplateInput input) {
        String prompt = render(input);
        if (tokenizer.addsBos() && !bosToken.isEmpty() && prompt.startsWith(bosToken)) {
            prompt = prompt.substring(bosToken.length());
        }
        if (tokenizer.addsEos() && !eosToken.isEmpty() && prompt.endsWith(eosToken)) {
            prompt = prompt.substring(0, prompt.length() - eosToken.length());
        }
        return tokenizer.encode(prompt, true, true);
    }

    /** One line: the template's own refusal, or where and how it failed. */
    private static ChatTemplateException failure(TemplateException e) {
        String message = e.getMessage().replace('\n', ' ');
        if (e.kind().equals("TemplateError")) {
            return new ChatTemplateException("chat template refused the conversation: " + message);
        }
        String where = e.line() > 0 ? " at line " + e.line() : "";
        return new ChatTemplateException("chat template error" + where + ": " + message);
    }

    /**
     * The functions transformers adds to jinja2's globals: {@code raise_exception(message)}, a
     * jinja2 TemplateError with the template's message, and {@code strftime_now(format)},
     * {@code datetime.now().strftime(format)} with "now" from {@code clock}.
     */
    static Map<String, TemplateFunction> functions(Supplier<LocalDateTime> clock) {
        TemplateFunction raise = (args, kwargs) -> {
            Object message = oneArgument("raise_exception", "message", args, kwargs);
            throw new TemplateException("TemplateError", Template.str(message), 0);
        };
        TemplateFunction strftimeNow = (args, kwargs) -> {
            Object format = oneArgument("strftime_now", "format", args, kwargs);
            if (!(format instanceof String f)) {
                throw new TemplateException("TypeError", "strftime() argument 1 must be str, not "
                        + Template.typeName(format), 0);
            }
            return Strftime.format(f, clock.get());
        };
        return Map.of("raise_exception", raise, "strftime_now", strftimeNow);
    }

    /** The one argument of a Python function {@code name(parameter)}, with Python's TypeErrors. */
    private static Object oneArgument(String name, String parameter, List<Object> args, Map<String, Object> kwargs) {
        // transformers defines these inside _compile_jinja_template, which is how Python names them
        String function = "_compile_jinja_template.<locals>." + name + "()";
        if (args.size() > 1) {
            throw new TemplateException("TypeError", function + " takes 1 positional argument but " + args.size()
                    + " were given", 0);
        }
        for (String key : kwargs.keySet()) {
            if (!key.equals(parameter)) {
                throw new TemplateException("TypeError", function + " got an unexpected keyword argument '" + key
                        + "'", 0);
            }
        }
        if (args.size() == 1 && kwargs.containsKey(parameter)) {
            throw new TemplateException("TypeError", function + " got multiple values for argument '" + parameter
                    + "'", 0);
        }
        if (args.isEmpty() && !kwargs.containsKey(parameter)) {
            throw new TemplateException("TypeError", function + " missing 1 required positional argument: '"
                    + parameter + "'", 0);
        }
        return args.isEmpty() ? kwargs.get(parameter) : args.get(0);
    }
}
