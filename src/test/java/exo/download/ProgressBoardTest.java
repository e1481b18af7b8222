package exo.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Bars of transfers at once, and lines said meanwhile, driven by a fake clock. */
class ProgressBoardTest {
    private static final long SECOND = 1_000_000_000L;

    private static List<String> screen(String text) {
        return exo.TerminalScreen.of(text);
    }

    @Test
    void onATerminalEachTransferHasABarAndLinesGoAboveThem() {
        StringWriter out = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ProgressBoard board = new ProgressBoard(new PrintWriter(out), true, "exo: ", clock::get);
        board.line("node-a: loading layers 0-7 of 16");
        ProgressListener a = board.transfer();
        ProgressListener b = board.transfer();
        a.started("m layers 0-7 for node-a", 100 << 20, 0);
        b.started("m layers 8-11 for node-b", 50 << 20, 0);
        for (int i = 0; i < 10; i++) {
            clock.addAndGet(SECOND / 10);
            a.advanced(5 << 20);
            b.advanced(5 << 20);
        }
        board.line("this machine: loading layers 12-15 of 16");
        List<String> during = screen(out.toString());
        assertEquals(4, during.size(), String.join("\n", during));
        assertEquals("exo: node-a: loading layers 0-7 of 16", during.get(0));
        assertEquals("exo: this machine: loading layers 12-15 of 16", during.get(1));
        assertTrue(during.get(2).startsWith("exo: m layers 0-7 for node-a  50% [############            ] 50.0 MiB/100 MiB"
                + "  50.0 MiB/s  ETA 0:01"), during.get(2));
        assertTrue(during.get(3).startsWith("exo: m layers 8-11 for node-b 100% "), during.get(3));
        a.finished(true);
        b.finished(true);
        board.line("node-a: ready");
        List<String> after = screen(out.toString());
        assertEquals(5, after.size(), String.join("\n", after));
        assertTrue(after.get(2).contains(" 50% ") && after.get(2).endsWith("ETA 0:00"), "the bars stay as they ended: "
                + after.get(2));
        assertEquals("exo: node-a: ready", after.get(4), "a line after the bars ended goes below them");
    }

    @Test
    void aBarIsRedrawnAtMostTenTimesASecondAndAFailedOneSaysSo() {
        StringWriter out = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ProgressBoard board = new ProgressBoard(new PrintWriter(out), true, "", clock::get);
        ProgressListener a = board.transfer();
        a.started("m for node-a", 1000, 0);
        for (int i = 0; i < 100; i++) {
            clock.addAndGet(SECOND / 100);
            a.advanced(5);
        }
        a.finished(false);
        long draws = out.toString().lines().count();
        assertTrue(draws >= 10 && draws <= 13, "draws: " + draws);
        List<String> shown = screen(out.toString());
        assertEquals(1, shown.size(), String.join("\n", shown));
        assertTrue(shown.getFirst().startsWith("m for node-a  50% ") && shown.getFirst().endsWith("  stopped"),
                shown.getFirst());
    }

    @Test
    void withoutATerminalEachTransferPrintsLinesAsADownloadDoes() {
        StringWriter out = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ProgressBoard board = new ProgressBoard(new PrintWriter(out), false, "exo: ", clock::get);
        ProgressListener a = board.transfer();
        a.started("m layers 0-7 for node-a", 100 << 20, 0);
        for (int i = 0; i < 100; i++) {
            clock.addAndGet(SECOND / 100);
            a.advanced(1 << 20);
        }
        a.finished(true);
        board.line("node-a: ready");
        List<String> lines = out.toString().lines().toList();
        assertEquals("exo: m layers 0-7 for node-a: fetching 100 MiB", lines.getFirst());
        assertEquals("exo: m layers 0-7 for node-a: 50% (50.0 MiB of 100 MiB, 100 MiB/s, ETA 0:01)", lines.get(5));
        assertEquals("exo: m layers 0-7 for node-a: done, 100 MiB in 1.0 s (100 MiB/s)", lines.get(11));
        assertEquals("exo: node-a: ready", lines.getLast());
        assertFalse(out.toString().contains("\033"), "no escape codes where nothing is redrawn");
    }

    @Test
    void theScreenModelOverwritesAndClears() {
        assertEquals(List.of("xyc", "d"), screen("abc\nd\n\033[2Fxy\n"));
        assertEquals(List.of("xy", "d"), screen("abc\nd\n\033[2Fxy\033[K\n"));
    }
}
