package exo.cli;

import exo.engine.sampling.SamplingParams;
import picocli.CommandLine.Option;

/** Sampling flags with llama.cpp's names and defaults. */
public final class SamplingOptions {
    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
            description = "0 = greedy (always the most likely token); default ${DEFAULT-VALUE}.")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "40", description = "Keep the K most likely tokens (0 = all); default ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.95", description = "Nucleus sampling threshold (1 = off); default ${DEFAULT-VALUE}.")
    float topP;

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0.05", description = "Drop tokens below P x the top probability (0 = off); default ${DEFAULT-VALUE}.")
    float minP;

    @Option(names = "--repeat-penalty", paramLabel = "R", defaultValue = "1.0",
            description = "Penalise the last 64 tokens (1 = off); default ${DEFAULT-VALUE}.")
    float repeatPenalty;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for repeatable sampling (default: random).")
    Long seed;

    SamplingParams params() {
        long s = seed != null ? seed : new java.security.SecureRandom().nextLong();
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, 64, s);
    }
}
