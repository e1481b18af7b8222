package exo.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The displays, driven by a fake clock. */
class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void linesComeEveryTenPercentAndEndWithATotal() {
        StringWriter out = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ProgressLines p = new ProgressLines(new PrintWriter(out), clock::get);
        p.started("model.gguf", 100 << 20, 0);
        for (int i = 0; i < 100; i++) {
            clock.addAndGet(SECOND / 10);
            p.advanced(1 << 20);
        }
        p.finished(true);
        List<String> lines = out.toString().lines().toList();
        assertEquals("model.gguf: downloading 100 MiB", lines.getFirst());
        assertEquals(12, lines.size(), out.toString());
        assertEquals("model.gguf: 50% (50.0 MiB of 100 MiB, 10.0 MiB/s, ETA 0:05)", lines.get(5));
        assertEquals("model.gguf: done, 100 MiB in 10.0 s (10.0 MiB/s)", lines.getLast());
    }

    @Test
    void aSlowTransferStillGetsALineEveryFewSeconds() {
        StringWriter out = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ProgressLines p = new ProgressLines(new PrintWriter(out), clock::get);
        p.started("big.gguf", 1L << 40, 1L << 30);
        clock.addAndGet(6 * SECOND);
        p.advanced(1 << 20);
        List<String> lines = out.toString().lines().toList();
        assertEquals("big.gguf: resuming at 1.00 GiB of 1.00 TiB", lines.getFirst());
        assertTrue(lines.get(1).startsWith("big.gguf: 0% (1.00 GiB of 1.00 TiB, 171 KiB/s, ETA "), lines.get(1));
    }

    @Test
    void theBarRedrawsInPlaceAtMostTenTimesASecond() {
        StringWriter out = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ProgressBar p = new ProgressBar(new PrintWriter(out), clock::get);
        p.started("m.gguf", 1000, 0);
        for (int i = 0; i < 100; i++) {
            clock.addAndGet(SECOND / 100);
            p.advanced(10);
        }
        p.finished(true);
        String s = out.toString();
        long redraws = s.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 10 && redraws <= 12, "redraws: " + redraws);
        assertTrue(s.endsWith("m.gguf 100% [########################] 1000 B/1000 B  1000 B/s  ETA 0:00"
                + System.lineSeparator()), s);
    }

    @Test
    void etaShowsHoursForLongTransfers() {
        AtomicLong clock = new AtomicLong();
        TransferMeter m = new TransferMeter(clock::get);
        m.start("x", 10_000_000L, 0);
        assertEquals("--:--", m.eta());
        clock.set(SECOND);
        m.add(1000);
        assertEquals("2:46:39", m.eta());
        assertEquals("9.54 MiB", TransferMeter.bytes(10_000_000L));
    }
}
