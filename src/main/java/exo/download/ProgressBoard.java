package exo.download;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Several transfers at once, each with a bar of its own (the slices a tail sends to the nodes of
 * its ring), and the status lines said meanwhile. On a terminal the bars are a block under the
 * lines said so far, redrawn in place at most ten times a second (a line said while they run goes
 * above them); once every transfer of the block has ended, the block stays as it was last drawn
 * and the next bars start a new one. Elsewhere (logs, pipes) each transfer prints lines as a
 * download does ({@link ProgressLines}), so nothing is redrawn.
 *
 * <p>Every line the board prints starts with {@code prefix} ("exo: "), so bars and status lines
 * read alike.
 */
public final class ProgressBoard {
    private static final long REDRAW_NANOS = 100_000_000L;
    /** Cursor to the start of the line N lines up (ECMA-48 CPL). */
    private static final String UP = "\033[%dF";
    private static final String CLEAR_LINE = "\033[K";

    private final PrintWriter out;
    private final boolean terminal;
    private final String prefix;
    private final LongSupplier nanoClock;
    /** The bars of the block on screen, in the order their transfers started. */
    private final List<Bar> bars = new ArrayList<>();
    private int drawnLines;
    private long lastDraw = Long.MIN_VALUE;

    public ProgressBoard(PrintWriter out, boolean terminal, String prefix, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.prefix = prefix;
        this.nanoClock = nanoClock;
    }

    /** Bars on a terminal (stderr's console), lines otherwise. */
    public static ProgressBoard console(PrintWriter err, String prefix) {
        java.io.Console console = System.console();
        return new ProgressBoard(err, console != null && console.isTerminal(), prefix, System::nanoTime);
    }

    /** A listener for one more transfer: its bar (from its start) or its lines, saying "fetching". */
    public ProgressListener transfer() {
        if (!terminal) {
            return new ProgressLines(this::line, "fetching", nanoClock);
        }
        return new Bar();
    }

    /** Says {@code text} on a line of its own, above any bars. */
    public synchronized void line(String text) {
        if (drawnLines > 0) {
            out.printf(UP, drawnLines);
            out.print(prefix + text + CLEAR_LINE + "\n");
            drawnLines = 0;
            draw();
        } else {
            out.println(prefix + text);
        }
        out.flush();
    }

    private synchronized void started(Bar bar) {
        bars.add(bar);
        redraw(true);
    }

    private synchronized void moved() {
        redraw(false);
    }

    private synchronized void ended() {
        redraw(true);
        if (bars.stream().allMatch(b -> b.ended)) {
            // The block stays on screen as it is; the next transfers draw a new one below.
            bars.clear();
            drawnLines = 0;
        }
    }

    private void redraw(boolean now) {
        if (!now && nanoClock.getAsLong() - lastDraw < REDRAW_NANOS) {
            return;
        }
        if (drawnLines > 0) {
            out.printf(UP, drawnLines);
        }
        draw();
        out.flush();
    }

    private void draw() {
        lastDraw = nanoClock.getAsLong();
        for (Bar b : bars) {
            out.print(prefix + ProgressBar.bar(b.meter, b.ended && b.ok) + (b.ended && !b.ok ? "  stopped" : "")
                    + CLEAR_LINE + "\n");
        }
        drawnLines = bars.size();
    }

    /** One transfer's bar; the board draws it. */
    private final class Bar implements ProgressListener {
        private final TransferMeter meter = new TransferMeter(nanoClock);
        private boolean begun;
        private boolean ended;
        private boolean ok;

        @Override
        public void started(String what, long total, long done) {
            synchronized (ProgressBoard.this) {
                meter.start(what, total, done);
                if (!begun) {
                    begun = true;
                    ProgressBoard.this.started(this);
                } else {
                    moved();
                }
            }
        }

        @Override
        public void advanced(long bytes) {
            synchronized (ProgressBoard.this) {
                meter.add(bytes);
                if (begun && !ended) {
                    moved();
                }
            }
        }

        @Override
        public void finished(boolean ok) {
            synchronized (ProgressBoard.this) {
                if (begun && !ended) {
                    this.ok = ok;
                    ended = true;
                    ProgressBoard.this.ended();
                }
            }
        }

        @Override
        public void note(String message) {
            line(message);
        }
    }
}
