package exo.cli;

import picocli.CommandLine.Option;

/** --threads: compute threads (default: every core). */
public final class ThreadsOption {
    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Compute threads (default: all cores).")
    Integer threads;

    int threads() {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1 || n > 1024) {
            throw UserException.usage("--threads must be between 1 and 1024, not " + n);
        }
        return n;
    }
}
