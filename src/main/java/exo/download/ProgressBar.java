package exo.download;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar for a terminal, redrawn in place with a carriage return at most ten times a
 * second: {@code file  45% [#########           ] 12.3 MiB/27.1 MiB  5.20 MiB/s  ETA 0:03}.
 */
public final class ProgressBar implements ProgressListener {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR = 24;

    private final PrintWriter out;
    private final LongSupplier nanoClock;
    private final TransferMeter meter;
    private long lastDraw = Long.MIN_VALUE;
    private int lastWidth;

    public ProgressBar(PrintWriter out) {
        this(out, System::nanoTime);
    }

    ProgressBar(PrintWriter out, LongSupplier nanoClock) {
        this.out = out;
        this.nanoClock = nanoClock;
        this.meter = new TransferMeter(nanoClock);
    }

    @Override
    public synchronized void started(String what, long total, long done) {
        meter.start(what, total, done);
        lastDraw = Long.MIN_VALUE;
        draw(false);
    }

    @Override
    public synchronized void advanced(long bytes) {
        meter.add(bytes);
        if (nanoClock.getAsLong() - lastDraw >= REDRAW_NANOS) {
            draw(false);
        }
    }

    @Override
    public synchronized void finished(boolean ok) {
        draw(true);
    }

    @Override
    public synchronized void note(String message) {
        if (lastWidth > 0) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            lastWidth = 0;
        }
        out.println(message);
        out.flush();
    }

    private void draw(boolean last) {
        lastDraw = nanoClock.getAsLong();
        int filled = (int) Math.round(meter.fraction() * BAR);
        String line = String.format(Locale.ROOT, "%s %3d%% [%s%s] %s/%s  %s/s  ETA %s", meter.what(),
                (int) Math.floor(meter.fraction() * 100), "#".repeat(filled), " ".repeat(BAR - filled),
                TransferMeter.bytes(meter.done()), TransferMeter.bytes(meter.total()),
                TransferMeter.bytes(meter.rate()), last ? "0:00" : meter.eta());
        // Pad over the tail of a longer previous line, which \r does not erase.
        out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
        lastWidth = line.length();
        if (last) {
            out.println();
            lastWidth = 0;
        }
        out.flush();
    }
}
