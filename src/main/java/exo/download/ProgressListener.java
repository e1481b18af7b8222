package exo.download;

/**
 * Hears how a transfer goes: the console shows it as a bar or as lines, and a cluster node can
 * pass it on so the tail shows each node's progress. {@link #advanced} may be called from
 * several threads at once (ranges are fetched in parallel); implementations must cope.
 */
public interface ProgressListener {

    /** A transfer of {@code total} bytes of {@code what} starts; {@code done} are already here (resumed). */
    void started(String what, long total, long done);

    /** {@code bytes} more arrived. */
    void advanced(long bytes);

    /** The transfer ended; {@code ok} is false when it failed (the error is reported elsewhere). */
    void finished(boolean ok);

    /** Something worth a line to the user (a retry from scratch, a fallback to the cache). */
    default void note(String message) {
    }

    /** A bar on a terminal, a line every few seconds otherwise (logs, pipes). */
    static ProgressListener console(java.io.PrintWriter err) {
        java.io.Console console = System.console();
        return console != null && console.isTerminal() ? new ProgressBar(err) : new ProgressLines(err);
    }

    /** Hears nothing: for --quiet and for callers that show no progress. */
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void started(String what, long total, long done) {
        }

        @Override
        public void advanced(long bytes) {
        }

        @Override
        public void finished(boolean ok) {
        }
    };
}
