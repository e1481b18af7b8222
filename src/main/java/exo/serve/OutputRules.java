package exo.serve;

import com.fasterxml.jackson.databind.JsonNode;
import exo.engine.sampling.Sampler;
import exo.engine.sampling.SamplingParams;
import exo.grammar.GrammarException;
import exo.grammar.TokenConstraint;
import exo.grammar.TokenVocabulary;
import exo.tokenizer.chat.tools.ToolCallFormat;
import exo.tokenizer.chat.tools.ToolCallGrammars;
import exo.tokenizer.chat.tools.ToolCallSyntax;
import exo.tokenizer.chat.tools.ToolChoice;
import exo.tokenizer.chat.tools.ToolDefinition;
import exo.tokenizer.chat.tools.ToolGrammar;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a request asks of the answer beyond its prompt: whether the output is read in the
 * model family's chat syntax (reasoning split off, tool calls taken out), the tools it may
 * call and how ({@code tool_choice}, {@code parallel_tool_calls}), a JSON schema the answer
 * must fit, a logit bias, and log-probabilities.
 *
 * <p>{@code tool_choice} required or a named function constrain sampling with the family's
 * grammar from the first token; auto uses the family's lazy grammar, free until the model
 * writes its call marker and constrained from there (llama.cpp's choice), so a call that starts
 * is well formed and its arguments fit the schema, while an answer in words costs nothing. A
 * family without markers (llama.cpp's generic JSON format) is constrained from the first token
 * with a grammar that also allows {@code {"response": ...}}. None offers the tools to the
 * template but reads the output as content.
 *
 * @param parsed      read the output in the family's syntax (chat); false leaves it raw text (completions)
 * @param reasoning   split reasoning out of the content at the family's think tags
 * @param tools       the functions offered (empty for none)
 * @param format      a JSON schema the answer must fit ({@code {"type": "object"}} for any object), or null
 * @param formatField the request field the format came from, for a refusal's param
 * @param bias        token id to logit bias
 * @param topLogprobs how many alternatives each token's log-probability comes with; -1 for no log-probabilities
 */
record OutputRules(boolean parsed, boolean reasoning, List<ToolDefinition> tools, ToolChoice choice, boolean parallel,
                   JsonNode format, String formatField, Map<Integer, Float> bias, int topLogprobs) {

    /** Raw text, as a completion is. */
    static final OutputRules TEXT = new OutputRules(false, false, List.of(), ToolChoice.AUTO, true, null, null, Map.of(), -1);

    /** A chat answer: reasoning split off, no tools. */
    static final OutputRules CHAT = new OutputRules(true, true, List.of(), ToolChoice.AUTO, true, null, null, Map.of(), -1);

    OutputRules {
        tools = List.copyOf(tools);
        Objects.requireNonNull(choice, "choice");
        bias = Map.copyOf(bias);
        if (!parsed && (!tools.isEmpty() || reasoning)) {
            throw new IllegalArgumentException("tools and reasoning need a parsed output");
        }
    }

    OutputRules withTools(List<ToolDefinition> newTools, ToolChoice newChoice, boolean newParallel) {
        return new OutputRules(parsed, reasoning, newTools, newChoice, newParallel, format, formatField, bias, topLogprobs);
    }

    OutputRules withFormat(JsonNode schema, String field) {
        return new OutputRules(parsed, reasoning, tools, choice, parallel, schema, field, bias, topLogprobs);
    }

    OutputRules withBias(Map<Integer, Float> newBias) {
        return new OutputRules(parsed, reasoning, tools, choice, parallel, format, formatField, newBias, topLogprobs);
    }

    OutputRules withLogprobs(int top) {
        return new OutputRules(parsed, reasoning, tools, choice, parallel, format, formatField, bias, top);
    }

    OutputRules withReasoning(boolean split) {
        return new OutputRules(parsed, split, tools, choice, parallel, format, formatField, bias, topLogprobs);
    }

    /** Whether the model may call tools (tools offered and tool_choice not none). */
    boolean callsTools() {
        return !tools.isEmpty() && !(choice instanceof ToolChoice.None);
    }

    /**
     * How to read the output of {@code family}'s model after the prompt {@code rendered}; null
     * when it stays raw text. Without tools to call the family's think tags still apply (the
     * common {@code <think>} for a family that has none of its own).
     */
    ToolCallSyntax syntax(ToolCallFormat family, String rendered) {
        if (!parsed) {
            return null;
        }
        ToolCallSyntax syntax;
        if (callsTools()) {
            syntax = ToolCallSyntax.of(family, tools);
        } else {
            ToolCallFormat tags = family.thinkStart() != null ? family : ToolCallFormat.CONTENT_ONLY;
            syntax = new ToolCallSyntax(ToolCallFormat.CONTENT_ONLY, List.of(), tags.thinkStart(), tags.thinkEnd(), false);
        }
        if (!reasoning) {
            return syntax.withoutReasoning();
        }
        return rendered == null ? syntax : syntax.startingInReasoning(syntax.promptOpensReasoning(rendered));
    }

    /**
     * The grammar the answer must follow under {@code syntax} after the prompt {@code rendered}:
     * the tool calls' (forced, or lazy for auto), else the response format's; empty when the
     * output is free. Where the template closed the think tags (thinking off), the grammar
     * offers no think block: a model that cannot stop thinking (a random one) could otherwise
     * wander there and never call.
     *
     * @throws ApiError 400 naming the field whose schema cannot be turned into a grammar
     */
    Optional<ToolGrammar> grammar(ToolCallSyntax parsing, String rendered) {
        ToolCallSyntax syntax = parsing != null && rendered != null && parsing.promptClosesReasoning(rendered)
                ? parsing.withoutReasoning() : parsing;
        if (syntax != null && callsTools()) {
            try {
                return ToolCallGrammars.build(syntax, choice, parallel);
            } catch (GrammarException e) {
                throw ApiError.badRequest("tools", "a tool's parameters cannot be followed: " + e.getMessage());
            }
        }
        if (format != null) {
            ToolCallSyntax plain = syntax != null ? syntax : ToolCallSyntax.of(ToolCallFormat.GENERIC, List.of());
            try {
                return Optional.of(ToolCallGrammars.json(plain, format));
            } catch (GrammarException e) {
                throw ApiError.badRequest(formatField, "the schema cannot be followed: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The sampler for one answer: the request's sampling with the bias, the grammar's constraint and log-probabilities. */
    Sampler sampler(SamplingParams sampling, Optional<ToolGrammar> grammar, Supplier<TokenVocabulary> vocabulary) {
        Sampler s = new Sampler(sampling);
        if (!bias.isEmpty()) {
            s = s.withLogitBias(bias);
        }
        if (grammar.isPresent()) {
            TokenConstraint c = grammar.get().constraint(vocabulary.get());
            s = s.withConstraint(c);
        }
        return topLogprobs >= 0 ? s.withLogprobs(topLogprobs) : s;
    }
}
