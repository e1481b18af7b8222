package exo.bench;

import exo.engine.Activations;
import exo.engine.InferenceEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.engine.sampling.Sampler;
import exo.engine.select.EngineKind;
import exo.engine.select.Engines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prefill and decode speed of several engines on one synthetic Llama-1B-shaped file (DESIGN.md's
 * benchmark shape), measured back to back in one process and reported as ratios to llama.cpp.
 * Usage: EngineBench QUANT THREADS [PROMPT_TOKENS] [DECODE_TOKENS] [DIR] [ENGINES].
 * QUANT is a llama.cpp quantization (Q4_K_M, Q8_0, Q4_0, ...); ENGINES a comma list
 * (default ggml,llama.cpp,java). The file is written into DIR (default /tmp) the first time.
 */
public final class EngineBench {
    private static final int ROUNDS = 3;

    public static void main(String[] args) throws Exception {
        String quant = args[0];
        int threads = Integer.parseInt(args[1]);
        int promptTokens = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        int decodeTokens = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        Path dir = Path.of(args.length > 4 ? args[4] : "/tmp");
        List<EngineKind> engines = new ArrayList<>();
        for (String e : (args.length > 5 ? args[5] : "ggml,llama.cpp,java").split(",")) {
            engines.add(EngineKind.parse(e));
        }
        Path model = dir.resolve("synthetic-1b-" + quant + ".gguf");
        if (!Files.exists(model)) {
            long t = System.nanoTime();
            SyntheticModel.llama1B(exo.gguf.GgmlType.F32).quantized(quant).write(model);
            System.out.printf(Locale.ROOT, "wrote %s (%.2f GiB) in %.1f s%n", model,
                    Files.size(model) / (double) (1L << 30), (System.nanoTime() - t) / 1e9);
        }
        int[] prompt = new int[promptTokens];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = 259 + (i * 7919) % 31000;
        }
        Map<EngineKind, double[]> best = new LinkedHashMap<>();
        try (WorkerPool pool = new WorkerPool(threads)) {
            // Rounds alternate between engines so that a noisy minute hits them alike; the first round warms up.
            for (int round = 0; round < ROUNDS; round++) {
                for (EngineKind kind : engines) {
                    try (InferenceEngine e = Engines.resolve(kind, threads, pool).open(model, 0, -1, 2048)) {
                        double[] r = run(e, prompt, decodeTokens);
                        System.out.printf(Locale.ROOT, "%s %s threads=%d round=%d prefill %.1f tok/s, decode %.2f tok/s%n",
                                kind, quant, threads, round, r[0], r[1]);
                        if (round > 0) {
                            best.merge(kind, r, (a, b) -> new double[] {Math.max(a[0], b[0]), Math.max(a[1], b[1])});
                        }
                    }
                }
            }
        }
        double[] cpp = best.get(EngineKind.LLAMA_CPP);
        for (var e : best.entrySet()) {
            double[] r = e.getValue();
            System.out.printf(Locale.ROOT, "best %-9s %s pp%d %.1f tok/s%s, tg%d %.2f tok/s%s%n", e.getKey(), quant,
                    promptTokens, r[0], cpp == null ? "" : String.format(Locale.ROOT, " (%.2fx llama.cpp)", r[0] / cpp[0]),
                    decodeTokens, r[1], cpp == null ? "" : String.format(Locale.ROOT, " (%.2fx llama.cpp)", r[1] / cpp[1]));
        }
    }

    /** Prefill of the prompt, then greedy decode; tokens per second of each. */
    private static double[] run(InferenceEngine e, int[] prompt, int decodeTokens) {
        long t0 = System.nanoTime();
        Activations.Logits l = (Activations.Logits) e.forward("s", 0, new Activations.Tokens(prompt));
        long t1 = System.nanoTime();
        int pos = prompt.length;
        int next = Sampler.argmax(l.last());
        for (int i = 0; i < decodeTokens; i++) {
            l = (Activations.Logits) e.forward("s", pos++, new Activations.Tokens(new int[] {next}));
            next = Sampler.argmax(l.last());
        }
        long t2 = System.nanoTime();
        e.release("s");
        return new double[] {prompt.length * 1e9 / (t1 - t0), decodeTokens * 1e9 / (t2 - t1)};
    }
}
