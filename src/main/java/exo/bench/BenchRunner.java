package exo.bench;

import exo.engine.Activations;
import exo.engine.InferenceEngine;
import exo.engine.sampling.Sampler;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs benchmark tests against one open engine (one machine's, or a ring seen from its tail),
 * the way llama-bench does: a warm-up that is not counted, then each test repeated from an
 * empty context, each repetition on fresh random tokens of the vocabulary.
 */
public final class BenchRunner {
    private final InferenceEngine engine;
    private final int vocab;
    private final Consumer<String> progress;
    private int sessionCounter;

    /** Measured figures of one test: tokens/s mean and deviation, per-session tokens/s, time to first token. */
    public record Measured(double mean, double stddev, double perSession, double ttftMillis) {
    }

    public BenchRunner(InferenceEngine engine, Consumer<String> progress) {
        this.engine = engine;
        this.vocab = engine.vocabSize();
        this.progress = progress;
    }

    /** A short pp and tg run, so that the first counted repetition does not pay for warm-up. */
    public void warmUp() {
        once(new BenchTest(BenchTest.Kind.PROMPT, Math.min(16, engine.contextLength())), 1);
        once(new BenchTest(BenchTest.Kind.GENERATE, Math.min(4, engine.contextLength() - 1)), 1);
    }

    /**
     * {@code repetitions} runs of {@code test}; for generation, {@code sessions} streams at once,
     * each its own session (a node that computes one session at a time shows it here).
     */
    public Measured measure(BenchTest test, int repetitions, int sessions) {
        double[] tps = new double[repetitions];
        double[] perSession = new double[repetitions];
        double ttft = 0;
        for (int r = 0; r < repetitions; r++) {
            progress.accept(test.name() + (sessions > 1 ? " x" + sessions + " sessions" : "") + ", repetition "
                    + (r + 1) + " of " + repetitions);
            double[] one = once(test, sessions);
            tps[r] = one[0];
            perSession[r] = one[1];
            ttft += one[2];
        }
        return new Measured(mean(tps), stddev(tps), mean(perSession), ttft / repetitions);
    }

    /** One repetition: {aggregate tokens/s, per-session tokens/s, time to first token in ms}. */
    private double[] once(BenchTest test, int sessions) {
        if (test.kind() == BenchTest.Kind.PROMPT) {
            String s = nextSession();
            int[] prompt = tokens(test.tokens());
            long t0 = System.nanoTime();
            engine.forward(s, 0, new Activations.Tokens(prompt));
            long t1 = System.nanoTime();
            engine.release(s);
            double seconds = (t1 - t0) / 1e9;
            return new double[] {test.tokens() / seconds, test.tokens() / seconds, seconds * 1e3};
        }
        if (sessions == 1) {
            double[] r = generate(test.tokens());
            return new double[] {r[0], r[0], r[1]};
        }
        ExecutorService pool = Executors.newFixedThreadPool(sessions, Thread.ofPlatform().daemon().factory());
        // Every stream runs its first token, then they all generate from the same moment.
        long[] start = new long[1];
        CyclicBarrier together = new CyclicBarrier(sessions, () -> start[0] = System.nanoTime());
        try {
            List<Future<double[]>> streams = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                streams.add(pool.submit(() -> generate(test.tokens(), together)));
            }
            double perSession = 0;
            double ttft = 0;
            RuntimeException failure = null;
            for (Future<double[]> f : streams) {
                try {
                    double[] r = f.get();
                    perSession += r[0];
                    ttft += r[1];
                } catch (java.util.concurrent.ExecutionException e) {
                    // The stream that failed first says why; the others only saw the barrier break.
                    if (failure == null || failure instanceof StreamsBroken) {
                        failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
            double seconds = (System.nanoTime() - start[0]) / 1e9;
            return new double[] {(double) sessions * test.tokens() / seconds, perSession / sessions, ttft / sessions};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    /** A session that starts from one token and generates {@code n} greedily: {tokens/s, ms to the first}. */
    private double[] generate(int n) {
        return generate(n, null);
    }

    /** Another stream failed before they all started generating. */
    private static final class StreamsBroken extends IllegalStateException {
        StreamsBroken() {
            super("another stream failed");
        }
    }

    /** As {@link #generate(int)}, the generation timed from when every stream at {@code together} is ready. */
    private double[] generate(int n, CyclicBarrier together) {
        String s = nextSession();
        float[] logits;
        try {
            logits = ((Activations.Logits) engine.forward(s, 0, new Activations.Tokens(tokens(1)))).last();
        } catch (RuntimeException e) {
            if (together != null) {
                together.reset(); // the streams waiting for this one give up
            }
            throw e;
        }
        if (together != null) {
            try {
                together.await();
            } catch (BrokenBarrierException e) {
                throw new StreamsBroken();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StreamsBroken();
            }
        }
        long t0 = System.nanoTime();
        long first = 0;
        for (int i = 0; i < n; i++) {
            int next = Sampler.argmax(logits);
            logits = ((Activations.Logits) engine.forward(s, 1 + i, new Activations.Tokens(new int[] {next}))).last();
            if (i == 0) {
                first = System.nanoTime() - t0;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        engine.release(s);
        return new double[] {n / seconds, first / 1e6};
    }

    private synchronized String nextSession() {
        return "bench-" + (sessionCounter++);
    }

    /** Random ids of ordinary tokens (above the first few control ids, as llama-bench avoids BOS/EOS). */
    private int[] tokens(int n) {
        SplittableRandom rnd = new SplittableRandom(n * 31L + sessionCounter);
        int low = Math.min(4, vocab - 1);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = low + rnd.nextInt(vocab - low);
        }
        return ids;
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Sample standard deviation; 0 for one value. */
    static double stddev(double[] x) {
        if (x.length < 2) {
            return 0;
        }
        double m = mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / (x.length - 1));
    }
}
