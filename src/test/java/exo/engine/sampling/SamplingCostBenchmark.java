package exo.engine.sampling;

import exo.engine.Activations;
import exo.engine.ggml.GgmlEngine;
import exo.models.ModelRegistry;
import exo.synthetic.SyntheticModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What sampling at the CLI's default settings (temperature 0.8, top-k 40, top-p 0.95, min-p
 * 0.05) costs a decode against greedy picking, on a file of qwen2.5-0.5b's shape: a 151,936-token
 * vocabulary, where the sampler's pass over the logits is largest beside a small model's step.
 * Greedy and sampled runs alternate on the ggml engine, so that the machine's drift falls on
 * both; the sampler's own time per token is reported too. Not a test: speed is reported, never
 * asserted.
 *
 * <p>Arguments: [directory for the synthetic file, default target/bench-synthetic] [tokens per
 * run, default 64] [rounds, default 3] [threads, default 2].
 */
public final class SamplingCostBenchmark {
    private static final SamplingParams CLI_DEFAULTS = new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 64, 1);

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench-synthetic");
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Path qwen = dir.resolve("qwen2.5-0.5b-Q8_0.gguf");
        if (!Files.isRegularFile(qwen)) {
            Files.createDirectories(dir);
            SyntheticModel.of(ModelRegistry.bundled().get("qwen2.5-0.5b"), "Q8_0").write(qwen);
        }
        try (GgmlEngine engine = GgmlEngine.open(qwen, 0, -1, threads, tokens + 2)) {
            decode(engine, new Sampler(SamplingParams.GREEDY), tokens, new long[1]); // warm-up
            double greedy = 0;
            double sampled = 0;
            long samplerNanos = 0;
            for (int r = 0; r < rounds; r++) {
                greedy += decode(engine, new Sampler(SamplingParams.GREEDY), tokens, new long[1]);
                long[] inSampler = new long[1];
                sampled += decode(engine, new Sampler(CLI_DEFAULTS), tokens, inSampler);
                samplerNanos += inSampler[0];
                System.out.printf(Locale.ROOT, "round %d: greedy %.2f t/s so far, sampled %.2f t/s so far%n", r + 1,
                        tokens * (r + 1) / greedy, tokens * (r + 1) / sampled);
            }
            double greedyTps = tokens * rounds / greedy;
            double sampledTps = tokens * rounds / sampled;
            System.out.printf(Locale.ROOT,
                    "%s, %d threads, %d tokens x %d rounds: greedy %.2f t/s, temperature 0.8 %.2f t/s (%.3f of greedy);"
                            + " the sampler %.3f ms per token%n",
                    qwen.getFileName(), threads, tokens, rounds, greedyTps, sampledTps, sampledTps / greedyTps,
                    samplerNanos / 1e6 / (tokens * rounds));
        }
    }

    /** Seconds to decode {@code tokens} tokens after a one-token prompt, picking each with {@code sampler}. */
    private static double decode(GgmlEngine engine, Sampler sampler, int tokens, long[] samplerNanos) {
        int[] history = new int[tokens + 1];
        history[0] = 1;
        long t0 = System.nanoTime();
        float[] logits = ((Activations.Logits) engine.forward("s", 0, new Activations.Tokens(new int[] {1}))).last();
        for (int i = 0; i < tokens; i++) {
            long s0 = System.nanoTime();
            int next = sampler.sample(logits, history, i + 1);
            samplerNanos[0] += System.nanoTime() - s0;
            history[i + 1] = next;
            logits = ((Activations.Logits) engine.forward("s", i + 1, new Activations.Tokens(new int[] {next}))).last();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        engine.release("s");
        return seconds;
    }
}
