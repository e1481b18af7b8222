package exo.bench;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One row of a benchmark report: one test of one engine at one thread count (and, for
 * generation, one number of concurrent sessions, and one ring size).
 *
 * @param tokensPerSecond  mean over the repetitions; with several sessions, all of them together
 * @param stddev           standard deviation of the repetitions' tokens per second
 * @param perSession       tokens per second of one session (equal to the mean with one session)
 * @param ttftMillis       time to first token: the prompt's prefill for pp, the first step for tg (mean)
 * @param vsLlamaCpp       this row's speed over llama.cpp's in the same test, when it was measured
 * @param bandwidthShare   weights read per token x tokens/s over the measured read bandwidth (tg only)
 * @param ring             where a test through a ring spent its time; empty on one machine
 */
public record BenchRow(String model, long sizeBytes, long parameters, String engine, String backend, int threads,
                       int nodes, int sessions, String test, double tokensPerSecond, double stddev, double perSession,
                       double ttftMillis, OptionalDouble vsLlamaCpp, OptionalDouble bandwidthShare,
                       Optional<RingFigures> ring) {

    public BenchRow withRatio(double ratio) {
        return new BenchRow(model, sizeBytes, parameters, engine, backend, threads, nodes, sessions, test,
                tokensPerSecond, stddev, perSession, ttftMillis, OptionalDouble.of(ratio), bandwidthShare, ring);
    }

    public BenchRow withBandwidthShare(double share) {
        return new BenchRow(model, sizeBytes, parameters, engine, backend, threads, nodes, sessions, test,
                tokensPerSecond, stddev, perSession, ttftMillis, vsLlamaCpp, OptionalDouble.of(share), ring);
    }
}
