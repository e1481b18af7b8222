package exo.download;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The numbers a progress display shows for one transfer: bytes done of the total, the speed
 * since the start (resumed bytes excluded, they took no time) and the time left at that speed.
 * Not thread-safe: the displays that own one synchronize.
 */
final class TransferMeter {
    private final LongSupplier nanoClock;
    private String what = "";
    private long total;
    private long done;
    private long resumed;
    private long startNanos;

    TransferMeter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    void start(String what, long total, long done) {
        this.what = what;
        this.total = total;
        this.done = done;
        this.resumed = done;
        this.startNanos = nanoClock.getAsLong();
    }

    void add(long bytes) {
        done += bytes;
    }

    String what() {
        return what;
    }

    long total() {
        return total;
    }

    long done() {
        return done;
    }

    double fraction() {
        return total <= 0 ? 1 : Math.min(1, (double) done / total);
    }

    double seconds() {
        return (nanoClock.getAsLong() - startNanos) / 1e9;
    }

    /** Bytes per second over this run, 0 until there is something to measure. */
    double rate() {
        double s = seconds();
        return s <= 0 ? 0 : (done - resumed) / s;
    }

    /** "1:05" or "--:--" while the speed is unknown. */
    String eta() {
        double r = rate();
        if (r <= 0) {
            return "--:--";
        }
        long s = (long) Math.ceil(Math.max(0, total - done) / r);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** "512 B", "12.3 MiB", "4.92 GiB". */
    static String bytes(double n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (n >= 1024 && u < units.length - 1) {
            n /= 1024;
            u++;
        }
        if (u == 0) {
            return (long) n + " B";
        }
        return String.format(Locale.ROOT, n >= 100 ? "%.0f %s" : n >= 10 ? "%.1f %s" : "%.2f %s", n, units[u]);
    }
}
