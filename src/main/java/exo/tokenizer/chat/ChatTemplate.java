package exo.tokenizer.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import exo.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Hugging Face chat template (Jinja) rendered with Jinjava the way transformers'
 * apply_chat_template renders it: trim_blocks and lstrip_blocks on, the variables
 * {@code messages}, {@code add_generation_prompt}, {@code bos_token}, {@code eos_token},
 * {@code raise_exception(message)}, which makes rendering fail with that message, and
 * {@code strftime_now(format)}. Where Jinjava differs from jinja2 in what templates use, the
 * difference is bridged: whitespace control on expressions ({@link WhitespaceControl}),
 * Python's string methods and indexing ({@link PythonStrings}), and {@code tojson} as Python's
 * json.dumps writes it ({@link PythonJson}).
 * Immutable; safe to share between threads.
 */
public final class ChatTemplate {
    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinjava;
    private final java.time.LocalDate today;
    /** The source with Jinja's whitespace control applied, which is what Jinjava renders. */
    private final String prepared;

    private ChatTemplate(String source, String bosToken, String eosToken, java.time.LocalDate today) {
        this.source = Objects.requireNonNull(source, "source");
        this.bosToken = Objects.requireNonNull(bosToken, "bosToken");
        this.eosToken = Objects.requireNonNull(eosToken, "eosToken");
        this.today = today;
        this.prepared = WhitespaceControl.apply(source);
        // Python's str methods resolve before Jinjava's own resolver, which would look for Java's.
        jinjava.javax.el.CompositeELResolver resolver = new jinjava.javax.el.CompositeELResolver();
        resolver.add(new PythonStrings());
        resolver.add(JinjavaConfig.newBuilder().build().getElResolver());
        this.jinjava = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withElResolver(resolver).build());
        jinjava.getGlobalContext().registerFunction(
                new ELFunctionDefinition("", "raise_exception", ChatTemplate.class, "raiseException", String.class));
        jinjava.getGlobalContext().registerFunction(
                new ELFunctionDefinition("", "strftime_now", ChatTemplate.class, "strftimeNow", String.class));
        jinjava.getGlobalContext().registerFilter(new PythonJson());
    }

    /**
     * @param source   the Jinja text (tokenizer.chat_template)
     * @param bosToken the text of the BOS token, or "" when the vocabulary has none
     * @param eosToken the text of the EOS token, or ""
     */
    public static ChatTemplate of(String source, String bosToken, String eosToken) {
        return new ChatTemplate(source, bosToken, eosToken, null);
    }

    /** The same template with {@code strftime_now} fixed to {@code date} (as a reference rendering was made). */
    public ChatTemplate withToday(java.time.LocalDate date) {
        return new ChatTemplate(source, bosToken, eosToken, Objects.requireNonNull(date, "date"));
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
        List<Map<String, Object>> msgs = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            msgs.add(Map.of("role", m.role(), "content", m.content()));
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("messages", msgs);
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.put("bos_token", bosToken);
        vars.put("eos_token", eosToken);
        RenderResult result;
        TODAY.set(today != null ? today : java.time.LocalDate.now());
        try {
            result = jinjava.renderForResult(prepared, vars);
        } finally {
            TODAY.remove();
        }
        for (TemplateError e : result.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new ChatTemplateException(describe(e));
            }
        }
        return result.getOutput();
    }

    /**
     * Renders and tokenizes the conversation as llama.cpp's chat code does: special token texts
     * in the rendered prompt become those tokens, and a BOS (EOS) text the template wrote at the
     * start (end) is dropped when the tokenizer adds that token itself, so it is not doubled.
     */
    public int[] encode(Tokenizer tokenizer, List<ChatMessage> messages, boolean addGenerationPrompt) {
        String prompt = render(messages, addGenerationPrompt);
        if (tokenizer.addsBos() && !bosToken.isEmpty() && prompt.startsWith(bosToken)) {
            prompt = prompt.substring(bosToken.length());
        }
        if (tokenizer.addsEos() && !eosToken.isEmpty() && prompt.endsWith(eosToken)) {
            prompt = prompt.substring(0, prompt.length() - eosToken.length());
        }
        return tokenizer.encode(prompt, true, true);
    }

    private static String describe(TemplateError e) {
        for (Throwable t = e.getException(); t != null; t = t.getCause()) {
            if (t instanceof Raised r) {
                return "chat template refused the conversation: " + r.getMessage();
            }
        }
        return "chat template error at line " + e.getLineno() + ": " + e.getMessage();
    }

    /** The date strftime_now formats while a template renders on this thread. */
    private static final ThreadLocal<java.time.LocalDate> TODAY = new ThreadLocal<>();

    /**
     * The template's strftime_now(format), as transformers gives it: today's date in Python's
     * strftime format (templates print dates only; the time of day is midnight). Public because
     * Jinjava calls it reflectively.
     */
    public static String strftimeNow(String format) {
        java.time.LocalDate d = TODAY.get() != null ? TODAY.get() : java.time.LocalDate.now();
        return Strftime.format(format, d.atStartOfDay());
    }

    /** The template's raise_exception(message); public because Jinjava calls it reflectively. */
    public static String raiseException(String message) {
        throw new Raised(message);
    }

    private static final class Raised extends RuntimeException {
        Raised(String message) {
            super(message, null, false, false);
        }
    }
}
