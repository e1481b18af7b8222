/**
 * A model family's chat syntax beyond its template: templates take tools in, and this package
 * reads tool calls and reasoning out of what the model writes, whole or as it streams, and
 * builds the grammars that make a model call a tool, after llama.cpp's {@code common/chat.cpp}.
 * The serving APIs ({@code exo.serve}) and the REPL ({@code exo.repl}) both use it; it knows
 * nothing of either.
 *
 * <h2>Which syntax</h2>
 * {@link exo.tokenizer.chat.tools.ToolCallFormat#detect(String)} tells the family from the chat
 * template's source (the vocabulary's tool tokens when the template says nothing, with
 * {@link exo.tokenizer.chat.tools.ToolCallFormat#detect(String, exo.tokenizer.Tokenizer)}): Llama 3.x,
 * Hermes/Qwen 2.5/QwQ/Qwen3, Qwen3-Coder, Mistral Nemo and the newer {@code [ARGS]} form,
 * DeepSeek R1 and V3.1, GLM 4.5, Kimi K2, Functionary v3.1 and v3.2, Command R7B, and
 * llama.cpp's generic JSON for the rest. A {@link exo.tokenizer.chat.tools.ToolCallSyntax} adds the
 * request's tools ({@link exo.tokenizer.chat.tools.ToolDefinition#fromOpenAi},
 * {@link exo.tokenizer.chat.tools.ToolDefinition#fromAnthropic}) and the think tags, and whether the
 * prompt already opened them ({@link exo.tokenizer.chat.tools.ToolCallSyntax#promptOpensReasoning}).
 *
 * <h2>Parsing</h2>
 * {@link exo.tokenizer.chat.tools.ToolCallParser#parse} splits a whole output into a
 * {@link exo.tokenizer.chat.tools.ParsedMessage}: content, reasoning, and
 * {@link exo.tokenizer.chat.tools.ToolCall}s (name, arguments as JSON text, the family's id or a made-up
 * {@code call_...} from {@link exo.tokenizer.chat.tools.ToolCallIds}). For streaming,
 * {@link exo.tokenizer.chat.tools.StreamingToolCallParser#push} takes each text delta and returns
 * {@link exo.tokenizer.chat.tools.ToolCallEvent}s (content and reasoning deltas, call start with index,
 * id and name, argument fragments, call end); text that may still become a marker is held back,
 * and {@code finish()} flushes. The events add up exactly to the whole parse:
 * <pre>{@code
 * ToolCallSyntax syntax = ToolCallSyntax.of(ToolCallFormat.detect(template), ToolDefinition.fromOpenAi(request.get("tools")));
 * syntax = syntax.startingInReasoning(syntax.promptOpensReasoning(prompt));
 * var stream = new StreamingToolCallParser(syntax, ToolCallIds.random());
 * for (String delta : generated) { send(stream.push(delta)); }
 * send(stream.finish());
 * }</pre>
 *
 * <h2>Forcing calls</h2>
 * {@link exo.tokenizer.chat.tools.ToolCallGrammars#build} gives the {@link exo.tokenizer.chat.tools.ToolGrammar}
 * for {@code tool_choice} ({@link exo.tokenizer.chat.tools.ToolChoice}) and {@code parallel_tool_calls}:
 * the family's markers around arguments generated from each tool's parameter schema (by
 * {@link exo.grammar.GrammarBuilder}); required or named choices constrain from the first token
 * (reasoning in the think tags may come first), auto is lazy from the call marker on.
 * {@link exo.tokenizer.chat.tools.ToolGrammar#constraint} makes the
 * {@link exo.grammar.TokenConstraint} the sampler applies. With such a grammar even a
 * random-weight model answers with a call whose arguments fit the schema.
 */
package exo.tokenizer.chat.tools;
