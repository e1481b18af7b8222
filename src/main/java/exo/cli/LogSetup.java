package exo.cli;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Function;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Logging for long-running commands: one line per record on stderr ("12:00:01 INFO message"),
 * exo's own loggers at INFO, the libraries' (Netty, JmDNS) at WARNING so their chatter stays out.
 */
final class LogSetup {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    /**
     * java.util.logging holds loggers weakly: a level set on a logger nobody references is lost
     * when it is collected, and exo's records then fell back to the root's WARNING. Held here.
     */
    private static final Logger EXO = Logger.getLogger("exo");

    private LogSetup() {
    }

    /** For interactive commands: only warnings, so the person's screen holds the conversation. */
    static void quiet() {
        install(Level.WARNING, r -> "exo: ");
    }

    /** For long-running commands: exo's own records at INFO (FINE when verbose), timestamped. */
    static void oneLinePerRecord(boolean verbose) {
        install(verbose ? Level.FINE : Level.INFO,
                r -> LocalTime.now().format(TIME) + " " + r.getLevel().getName() + " ");
    }

    /** One console handler for every record, each one line after {@code prefix}; libraries at WARNING. */
    private static void install(Level exoLevel, Function<LogRecord, String> prefix) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(Level.ALL);
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                return prefix.apply(r) + formatMessage(r) + System.lineSeparator();
            }
        });
        root.addHandler(handler);
        EXO.setLevel(exoLevel);
    }
}
