/**
 * Constrained decoding: grammars over Unicode text, JSON Schema converted to grammars, and
 * token masks that keep a sampler inside a grammar, after llama.cpp's GBNF grammars,
 * {@code json-schema-to-grammar} and grammar sampler.
 *
 * <h2>Grammars</h2>
 * {@link exo.grammar.Grammar} is a set of named rules over {@link exo.grammar.Expr}
 * (literals, {@link exo.grammar.CharClass} classes, rule references, sequences, alternatives,
 * repetitions). {@link exo.grammar.Grammar#parse(String)} reads llama.cpp's GBNF (what
 * llama-server's {@code grammar} field carries) and fails with a one-line
 * {@link exo.grammar.GrammarException} that gives line and column;
 * {@link exo.grammar.Grammar#toGbnf()} prints it back.
 *
 * <h2>JSON Schema</h2>
 * {@link exo.grammar.JsonSchemaGrammar#toGrammar(String)} turns a schema into a grammar for
 * JSON that satisfies it (OpenAI {@code response_format: json_schema}, Ollama {@code format});
 * {@link exo.grammar.JsonSchemaGrammar#anyObject()} is {@code json_object}. The features are
 * listed on {@link exo.grammar.JsonSchemaGrammar}. To mix schemas with rules of your own (a tool
 * call's markers around its arguments) use {@link exo.grammar.GrammarBuilder}:
 * {@code addSchema}, {@code addRule}, {@code addExcluding} (free text up to a closing marker),
 * then {@code build("root")}.
 *
 * <h2>Matching</h2>
 * {@link exo.grammar.Grammar#compile()} gives a {@link exo.grammar.CompiledGrammar} (immutable,
 * shareable; left recursion is refused there). {@link exo.grammar.MatchState} is where a match
 * stands after some UTF-8 bytes, immutable: {@code advance(bytes)} returns the next state or
 * null, so one state can try many tokens; a token may end in the middle of a character.
 * {@link exo.grammar.GrammarMatcher} is the mutable wrapper for one text: {@code accepts},
 * {@code advance}, {@code isComplete} (the grammar may end here), {@code canContinue}.
 *
 * <h2>Token masks and the sampler</h2>
 * {@link exo.grammar.TokenVocabulary#of} reads a model's {@link exo.tokenizer.Tokenizer} into a
 * byte trie once (keep one per model; {@link exo.grammar.TokenVocabularyCache} does).
 * {@link exo.grammar.TokenMasker} walks that trie from a match state, skipping every subtree
 * whose prefix the grammar refuses. The sampler sees only {@link exo.grammar.TokenConstraint}:
 * <pre>{@code
 * TokenConstraint c = new GrammarConstraint(JsonSchemaGrammar.toGrammar(schema).compile(), vocabulary);
 * // per generated token, either always mask ...
 * c.apply(logits);                       // disallowed tokens -> -infinity
 * int token = sampler.sample(logits, history, n);
 * // ... or llama.cpp's cheap path: mask only when the first pick is refused
 * int token = TokenConstraint.sample(c, logits, l -> sampler.sample(l, history, n));
 * c.accept(token);
 * if (c.mustEnd()) { ... stop ... }     // the grammar is complete and nothing may follow
 * }</pre>
 * End-of-generation tokens are allowed only where the grammar is complete; control tokens
 * only when the constraint is told their text (a family's tool-call markers).
 * {@link exo.grammar.TriggeredConstraint} is llama.cpp's lazy grammar: free until a trigger
 * word appears, then constrained from the trigger on.
 *
 * <p>Cost, measured by {@code GrammarMaskBenchmark} (src/test) on one core: a full mask over
 * the 102k-token DeepSeek vocabulary takes about 2.4 ms at the median inside JSON strings
 * (nearly the whole trie reached), 0.9 ms over GPT-2's 50k and 0.75 ms over Llama's 32k; a
 * single-token check (the cheap path) takes about 2 microseconds.
 */
package exo.grammar;
