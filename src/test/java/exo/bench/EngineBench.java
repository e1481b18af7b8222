package exo.bench;

import exo.engine.Activations;
import exo.engine.java.JavaEngine;
import exo.engine.java.tensor.WorkerPool;
import exo.gguf.GgmlType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Java engine prefill and decode speed on a synthetic Llama-1B-shaped model (DESIGN.md's
 * benchmark shape). Usage: EngineBench TYPE THREADS [PROMPT_TOKENS] [DECODE_TOKENS] [DIR].
 * Writes the model into DIR (default /tmp) the first time.
 */
public final class EngineBench {
    public static void main(String[] args) throws Exception {
        GgmlType type = GgmlType.valueOf(args[0]);
        int threads = Integer.parseInt(args[1]);
        int promptTokens = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int decodeTokens = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        Path dir = Path.of(args.length > 4 ? args[4] : "/tmp");
        Path model = dir.resolve("synthetic-1b-" + type + ".gguf");
        if (!Files.exists(model)) {
            long t = System.nanoTime();
            SyntheticModel.llama1B(type).write(model);
            System.out.printf(Locale.ROOT, "wrote %s (%.1f GiB) in %.1f s%n", model, Files.size(model) / (double) (1L << 30),
                    (System.nanoTime() - t) / 1e9);
        }
        int[] prompt = new int[promptTokens];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = 259 + (i * 7919) % 31000;
        }
        try (WorkerPool pool = new WorkerPool(threads); JavaEngine e = JavaEngine.openWhole(model, pool)) {
            for (int round = 0; round < 2; round++) { // the first round warms up the JIT
                e.release("s");
                long t0 = System.nanoTime();
                Activations.Logits l = (Activations.Logits) e.forward("s", 0, new Activations.Tokens(prompt));
                long t1 = System.nanoTime();
                int pos = prompt.length;
                int next = exo.engine.sampling.Sampler.argmax(l.last());
                for (int i = 0; i < decodeTokens; i++) {
                    l = (Activations.Logits) e.forward("s", pos++, new Activations.Tokens(new int[] {next}));
                    next = exo.engine.sampling.Sampler.argmax(l.last());
                }
                long t2 = System.nanoTime();
                System.out.printf(Locale.ROOT, "java %s threads=%d round=%d prefill %.1f tok/s (%d tokens), decode %.2f tok/s (%d tokens)%n",
                        type, threads, round, promptTokens * 1e9 / (t1 - t0), promptTokens, decodeTokens * 1e9 / (t2 - t1),
                        decodeTokens);
            }
        }
    }
}
