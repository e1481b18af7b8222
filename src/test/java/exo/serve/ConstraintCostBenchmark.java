package exo.serve;

import exo.TestModels;
import exo.engine.GenerationStats;
import exo.engine.Generator;
import exo.engine.ggml.GgmlEngine;
import exo.engine.sampling.Sampler;
import exo.engine.sampling.SamplingParams;
import exo.gguf.GgufFile;
import exo.grammar.TokenConstraint;
import exo.grammar.TokenVocabulary;
import exo.models.ModelRegistry;
import exo.synthetic.SyntheticModel;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import exo.tokenizer.chat.tools.ToolCallFormat;
import exo.tokenizer.chat.tools.ToolCallGrammars;
import exo.tokenizer.chat.tools.ToolCallSyntax;
import exo.tokenizer.chat.tools.ToolChoice;
import exo.tokenizer.chat.tools.ToolDefinition;
import exo.tokenizer.chat.tools.ToolGrammar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What constrained decoding costs per generated token, as the server does it: the sampler's
 * cheap path (the pick checked, the full mask only when refused) under a JSON schema and a
 * forced Hermes tool call, on stories260K (512 tokens) and on a random-weight file of
 * qwen2.5-0.5b's registry shape (151,936 tokens, written once, Q8_0). The constraint's own time
 * is measured around its calls; the decode step's time is beside it for scale. The synthetic
 * vocabulary is filler pieces, so last the same is measured on a real byte-level BPE vocabulary
 * (DeepSeek's 102k, from ../shared) under random logits. A random model is the worst case: its
 * first pick is often refused, and each refusal costs a full mask. Not a test; run it by hand:
 *
 * <pre>
 * mvn -q -B test-compile
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp target/classes:target/test-classes:$(mvn -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout) \
 *   exo.serve.ConstraintCostBenchmark [synthetic-dir] [tokens] [tokens-on-0.5B] [threads]
 * </pre>
 */
public final class ConstraintCostBenchmark {
    private ConstraintCostBenchmark() {
    }

    /** Times the constraint's calls, and counts the tokens that needed the full mask. */
    private static final class Timed implements TokenConstraint {
        private final TokenConstraint inner;
        long nanos;
        int masks;
        int tokens;

        Timed(TokenConstraint inner) {
            this.inner = inner;
        }

        @Override
        public void apply(float[] logits) {
            long t = System.nanoTime();
            inner.apply(logits);
            nanos += System.nanoTime() - t;
            masks++;
        }

        @Override
        public boolean allows(int token) {
            long t = System.nanoTime();
            boolean ok = inner.allows(token);
            nanos += System.nanoTime() - t;
            return ok;
        }

        @Override
        public void accept(int token) {
            long t = System.nanoTime();
            inner.accept(token);
            nanos += System.nanoTime() - t;
            tokens++;
        }

        @Override
        public boolean isComplete() {
            return inner.isComplete();
        }

        @Override
        public boolean mustEnd() {
            return inner.mustEnd();
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench-synthetic");
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        // the 0.5B shape decodes slowly on a small CPU; its constraint cost needs few tokens to show
        int bigTokens = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Path qwen = dir.resolve("qwen2.5-0.5b-Q8_0.gguf");
        if (!Files.isRegularFile(qwen)) {
            Files.createDirectories(dir);
            long t0 = System.nanoTime();
            SyntheticModel.of(ModelRegistry.bundled().get("qwen2.5-0.5b"), "Q8_0").write(qwen);
            System.out.printf(Locale.ROOT, "wrote %s in %.0f s%n", qwen, (System.nanoTime() - t0) / 1e9);
        }
        measure(TestModels.stories260K(), tokens, threads);
        measure(qwen, bigTokens, threads);
        // The synthetic vocabulary is filler pieces; a real byte-level BPE one of 102k tokens, under logits as a
        // random model's (no engine: the constraint's cost does not depend on it).
        Path deepseek = TestModels.dir().resolve("llama.cpp-vocab/ggml-vocab-deepseek-llm.gguf");
        if (Files.isRegularFile(deepseek)) {
            randomLogits(deepseek, tokens);
        }
    }

    private static void randomLogits(Path vocabFile, int tokens) throws Exception {
        Tokenizer tokenizer = Tokenizers.fromMetadata(GgufFile.readHeader(vocabFile).metadata());
        long t0 = System.nanoTime();
        TokenVocabulary vocab = TokenVocabulary.of(tokenizer);
        System.out.printf(Locale.ROOT, "%n%s: vocabulary %d tokens, trie %d nodes built in %.0f ms; random logits%n",
                vocabFile.getFileName(), vocab.size(), vocab.trieNodes(), (System.nanoTime() - t0) / 1e6);
        for (var entry : grammars().entrySet()) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(7);
            long nanos = 0;
            int masks = 0;
            int generated = 0;
            float[] logits = new float[vocab.size()];
            int[] history = new int[0];
            while (generated < tokens) {
                Timed timed = new Timed(entry.getValue().constraint(vocab));
                Sampler sampler = new Sampler(new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 64, generated))
                        .withConstraint(timed);
                while (!timed.mustEnd() && generated < tokens) {
                    for (int i = 0; i < logits.length; i++) {
                        logits[i] = (float) (random.nextGaussian() * 3);
                    }
                    sampler.sample(logits, history, 0);
                    generated++;
                }
                nanos += timed.nanos;
                masks += timed.masks;
            }
            System.out.printf(Locale.ROOT, "  %-12s %4d tokens: constraint %6.3f ms/token (%3.0f%% of tokens needed the "
                    + "full mask)%n", entry.getKey(), generated, nanos / 1e6 / generated, 100.0 * masks / generated);
        }
    }

    private static java.util.Map<String, ToolGrammar> grammars() {
        ToolCallSyntax hermes = ToolCallSyntax.of(ToolCallFormat.HERMES, List.of(new ToolDefinition("get_weather",
                "The weather in a city", AgentRequests.tree(AgentRequests.WEATHER_SCHEMA)))).withoutReasoning();
        java.util.Map<String, ToolGrammar> out = new java.util.LinkedHashMap<>();
        out.put("json schema", ToolCallGrammars.json(ToolCallSyntax.of(ToolCallFormat.GENERIC, List.of()),
                AgentRequests.tree(AgentRequests.PERSON_SCHEMA)));
        out.put("tool call", ToolCallGrammars.build(hermes, ToolChoice.REQUIRED, false).orElseThrow());
        return out;
    }

    private static void measure(Path model, int tokens, int threads) throws Exception {
        Tokenizer tokenizer = Tokenizers.fromMetadata(GgufFile.readHeader(model).metadata());
        long t0 = System.nanoTime();
        TokenVocabulary vocab = TokenVocabulary.of(tokenizer);
        System.out.printf(Locale.ROOT, "%n%s: vocabulary %d tokens, trie %d nodes built in %.0f ms (once per model)%n",
                model.getFileName(), vocab.size(), vocab.trieNodes(), (System.nanoTime() - t0) / 1e6);
        try (GgmlEngine engine = GgmlEngine.open(model, 0, -1, threads, 1024)) {
            int[] prompt = tokenizer.encode("Once upon a time", true, false);
            run("free", engine, tokenizer, prompt, null, vocab, tokens);
            for (var entry : grammars().entrySet()) {
                run(entry.getKey(), engine, tokenizer, prompt, entry.getValue(), vocab, tokens);
            }
        }
    }

    private static void run(String what, GgmlEngine engine, Tokenizer tokenizer, int[] prompt, ToolGrammar grammar,
                            TokenVocabulary vocab, int tokens) {
        long constraintNanos = 0;
        long decodeNanos = 0;
        int generated = 0;
        int masks = 0;
        for (long seed = 1; generated < tokens; seed++) {
            Sampler sampler = new Sampler(new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 64, seed));
            Timed timed = grammar == null ? null : new Timed(grammar.constraint(vocab));
            if (timed != null) {
                sampler = sampler.withConstraint(timed);
            }
            Generator g = new Generator(engine, tokenizer, "bench-" + what + seed);
            GenerationStats s = g.generateFrom(prompt, tokens - generated, sampler, (id, text) -> { }, () -> false);
            g.reset();
            generated += s.generatedTokens();
            decodeNanos += s.decodeNanos();
            if (timed != null) {
                constraintNanos += timed.nanos;
                masks += timed.masks;
            }
        }
        System.out.printf(Locale.ROOT, "  %-12s %4d tokens: decode %7.2f ms/token; constraint %6.3f ms/token "
                        + "(%3.0f%% of tokens needed the full mask)%n", what, generated, decodeNanos / 1e6 / generated,
                constraintNanos / 1e6 / generated, 100.0 * masks / generated);
    }
}
