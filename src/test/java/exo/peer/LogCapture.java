package exo.peer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Collects the log lines of one logger subtree (System.Logger goes to java.util.logging), so
 * a test can check that a closed connection said why.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getLevel() + " " + formatter.formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private final boolean wasUsingParents;

    public LogCapture(String loggerName) {
        this(loggerName, false);
    }

    /** {@code quiet}: keep the lines from the console too (for lines a test provokes on purpose). */
    public LogCapture(String loggerName, boolean quiet) {
        logger = Logger.getLogger(loggerName); // held: JUL keeps loggers weakly
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
        wasUsingParents = logger.getUseParentHandlers();
        if (quiet) {
            logger.setUseParentHandlers(false);
        }
    }

    public static LogCapture peer() {
        return new LogCapture("exo.peer");
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The first line containing all {@code parts}, waiting up to {@code timeout} for it. */
    public String await(Duration timeout, String... parts) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : lines) {
                if (containsAll(line, parts)) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no log line with " + List.of(parts) + " within " + timeout + "; got " + lines);
            }
            Thread.sleep(10);
        }
    }

    public String find(String... parts) {
        return lines.stream().filter(l -> containsAll(l, parts)).findFirst()
                .orElseThrow(() -> new AssertionError("no log line with " + List.of(parts) + "; got " + lines));
    }

    private static boolean containsAll(String line, String... parts) {
        for (String p : parts) {
            if (!line.contains(p)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(wasUsingParents);
    }
}
