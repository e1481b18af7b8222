package exo.engine.llamacpp;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Prefill and decode speed of llama.cpp through FFM, one line per figure.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... exo.engine.llamacpp.LlamaCppBench MODEL.gguf [threads=2] [tokens=128] [runs=5]
 * </pre>
 *
 * Prefill: {@code tokens} prompt tokens evaluated in one batch from an empty cache (logits of the
 * last only). Decode: {@code tokens} tokens evaluated one at a time after BOS, each returning its
 * logits to Java. Token ids are fixed pseudo-random ones (llama.cpp's speed does not depend on
 * them). One warm-up run of each, then the median of {@code runs}.
 */
public final class LlamaCppBench {

    private LlamaCppBench() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: LlamaCppBench MODEL.gguf [threads=2] [tokens=128] [runs=5]");
            System.exit(2);
        }
        Path gguf = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        try (LlamaCppNative model = LlamaCppNative.open(gguf, threads, tokens + 1)) {
            int[] prompt = new SplittableRandom(42).ints(tokens, 0, model.vocabSize()).toArray();
            double prefill = median(runs, () -> {
                model.reset();
                long t0 = System.nanoTime();
                model.append(prompt);
                return System.nanoTime() - t0;
            });
            double decode = median(runs, () -> {
                model.reset();
                model.next(Math.max(model.bos(), 0));
                long t0 = System.nanoTime();
                for (int token : prompt) {
                    model.next(token);
                }
                return System.nanoTime() - t0;
            });
            String what = "%s, %d threads, llama.cpp b%d via FFM".formatted(gguf.getFileName(), threads,
                    LlamaLibrary.bundled().buildNumber());
            System.out.printf("prefill: %.1f tok/s (%d tokens in one batch, %.2f ms; %s)%n",
                    tokens / (prefill / 1e9), tokens, prefill / 1e6, what);
            System.out.printf("decode: %.1f tok/s (%d tokens one by one, %.2f ms; %s)%n",
                    tokens / (decode / 1e9), tokens, decode / 1e6, what);
        }
    }

    private interface Run {
        long nanos();
    }

    private static double median(int runs, Run run) {
        run.nanos(); // warm-up
        long[] t = new long[runs];
        for (int i = 0; i < runs; i++) {
            t[i] = run.nanos();
        }
        Arrays.sort(t);
        return runs % 2 == 1 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2.0;
    }
}
