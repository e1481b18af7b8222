package exo.download;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress for logs and pipes, where a redrawn bar would be noise: a line when a transfer
 * starts, then one every {@code interval} seconds or every 10% (whichever comes first), and
 * one at the end.
 */
public final class ProgressLines implements ProgressListener {
    private static final long INTERVAL_NANOS = 5_000_000_000L;

    private final PrintWriter out;
    private final LongSupplier nanoClock;
    private final TransferMeter meter;
    private long lastLine;
    private int lastDecile;

    public ProgressLines(PrintWriter out) {
        this(out, System::nanoTime);
    }

    ProgressLines(PrintWriter out, LongSupplier nanoClock) {
        this.out = out;
        this.nanoClock = nanoClock;
        this.meter = new TransferMeter(nanoClock);
    }

    @Override
    public synchronized void started(String what, long total, long done) {
        meter.start(what, total, done);
        lastLine = nanoClock.getAsLong();
        lastDecile = decile();
        print(what + ": " + (done > 0 ? "resuming at " + TransferMeter.bytes(done) + " of " : "downloading ")
                + TransferMeter.bytes(total));
    }

    @Override
    public synchronized void advanced(long bytes) {
        meter.add(bytes);
        long now = nanoClock.getAsLong();
        if (decile() > lastDecile || now - lastLine >= INTERVAL_NANOS) {
            lastDecile = decile();
            lastLine = now;
            print(String.format(Locale.ROOT, "%s: %d%% (%s of %s, %s/s, ETA %s)", meter.what(),
                    (int) Math.floor(meter.fraction() * 100), TransferMeter.bytes(meter.done()),
                    TransferMeter.bytes(meter.total()), TransferMeter.bytes(meter.rate()), meter.eta()));
        }
    }

    @Override
    public synchronized void finished(boolean ok) {
        if (ok) {
            print(String.format(Locale.ROOT, "%s: done, %s in %.1f s (%s/s)", meter.what(),
                    TransferMeter.bytes(meter.total()), meter.seconds(), TransferMeter.bytes(meter.rate())));
        } else {
            print(meter.what() + ": stopped at " + TransferMeter.bytes(meter.done()) + " of "
                    + TransferMeter.bytes(meter.total()));
        }
    }

    @Override
    public synchronized void note(String message) {
        print(message);
    }

    private int decile() {
        return (int) Math.floor(meter.fraction() * 10);
    }

    private void print(String line) {
        out.println(line);
        out.flush();
    }
}
