package exo.grammar;

import exo.TestModels;
import exo.gguf.GgufFile;
import exo.tokenizer.Tokenizer;
import exo.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a grammar mask costs per generated token on real vocabularies (llama.cpp's
 * ggml-vocab-*.gguf in ../shared/models): the trie build once, then random generations under
 * a JSON-object grammar and a tool-call schema, each token's full mask timed, and the cheap
 * single-token check. Not a test; run it by hand:
 *
 * <pre>
 * mvn -q -B test-compile
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp target/classes:target/test-classes:$(mvn -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout) \
 *   exo.grammar.GrammarMaskBenchmark [tokens-per-run]
 * </pre>
 */
public final class GrammarMaskBenchmark {
    private static final List<String> VOCABS = List.of("deepseek-llm", "gpt-2", "llama-spm");

    private static final String TOOL_SCHEMA = """
            {"type": "object",
             "properties": {
               "city": {"type": "string"},
               "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
               "days": {"type": "integer", "minimum": 1, "maximum": 14},
               "tags": {"type": "array", "items": {"type": "string", "maxLength": 12}, "maxItems": 4}
             },
             "required": ["city", "unit", "days"]}
            """;

    private GrammarMaskBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Path dir = TestModels.dir().resolve("llama.cpp-vocab");
        for (String name : VOCABS) {
            Path file = dir.resolve("ggml-vocab-" + name + ".gguf");
            if (!Files.isRegularFile(file)) {
                System.out.println(name + ": " + file + " is not here, skipped");
                continue;
            }
            Tokenizer tokenizer = Tokenizers.fromMetadata(GgufFile.readHeader(file).metadata());
            long t0 = System.nanoTime();
            TokenVocabulary vocab = TokenVocabulary.of(tokenizer);
            long buildNs = System.nanoTime() - t0;
            System.out.printf("%-13s vocab %6d, trie %7d nodes, built in %5.0f ms%n", name, vocab.size(),
                    vocab.trieNodes(), buildNs / 1e6);
            run(name, vocab, "json_object", JsonSchemaGrammar.anyObject().compile(), tokens);
            run(name, vocab, "tool schema", JsonSchemaGrammar.toGrammar(TOOL_SCHEMA).compile(), tokens);
        }
    }

    private static void run(String name, TokenVocabulary vocab, String label, CompiledGrammar grammar, int tokens) {
        // warm-up generation, then the measured ones
        generate(vocab, grammar, tokens, 1, null);
        Stats stats = new Stats();
        for (long seed = 2; seed < 7; seed++) {
            generate(vocab, grammar, tokens, seed, stats);
        }
        System.out.printf("  %-12s masks %5d: mean %6.2f ms, median %6.2f, p90 %6.2f, max %6.2f; %6.0f nodes/mask;"
                        + " single-token check %5.2f us%n", label, stats.count, stats.mean(), stats.percentile(50),
                stats.percentile(90), stats.percentile(100), stats.nodes / (double) stats.count, stats.checkNs / 1e3 / stats.checks);
    }

    /** Random allowed tokens, ending as soon as the grammar allows it after {@code tokens}. */
    private static void generate(TokenVocabulary vocab, CompiledGrammar grammar, int tokens, long seed, Stats stats) {
        GrammarConstraint c = new GrammarConstraint(grammar, vocab);
        SplittableRandom random = new SplittableRandom(seed);
        for (int step = 0; step < tokens * 4 && !c.mustEnd(); step++) {
            long nodesBefore = c.nodesVisited();
            long t = System.nanoTime();
            BitSet allowed = c.allowedTokens();
            long ns = System.nanoTime() - t;
            if (stats != null) {
                stats.add(ns, c.nodesVisited() - nodesBefore);
            }
            int[] ids = allowed.stream().toArray();
            int eog = Arrays.stream(ids).filter(vocab::isEndOfGeneration).findFirst().orElse(-1);
            if (eog >= 0 && step >= tokens) {
                break;
            }
            int pick = ids[random.nextInt(ids.length)];
            if (step >= tokens) {
                // steer towards an end: prefer tokens that close strings and containers
                for (int i = 0; i < 64; i++) {
                    int candidate = ids[random.nextInt(ids.length)];
                    String text = new String(vocab.bytes(candidate), java.nio.charset.StandardCharsets.UTF_8);
                    if (text.contains("\"") || text.contains("}") || text.contains("]")) {
                        pick = candidate;
                        break;
                    }
                }
            }
            if (stats != null) {
                int probe = random.nextInt(vocab.size());
                long tc = System.nanoTime();
                c.allows(probe);
                stats.checkNs += System.nanoTime() - tc;
                stats.checks++;
            }
            if (vocab.isEndOfGeneration(pick)) {
                break;
            }
            c.accept(pick);
        }
    }

    private static final class Stats {
        long[] ns = new long[1024];
        int count;
        long nodes;
        long checkNs;
        long checks;

        void add(long n, long visited) {
            if (count == ns.length) {
                ns = Arrays.copyOf(ns, count * 2);
            }
            ns[count++] = n;
            nodes += visited;
        }

        double mean() {
            return Arrays.stream(ns, 0, count).average().orElse(0) / 1e6;
        }

        double percentile(int p) {
            long[] sorted = Arrays.copyOf(ns, count);
            Arrays.sort(sorted);
            return sorted[Math.min(count - 1, (int) Math.ceil(p / 100.0 * count) - 1)] / 1e6;
        }
    }
}
