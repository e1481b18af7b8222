package exo.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test after which Netty's leak detector (paranoid in Surefire) reports a leaked
 * buffer. The detector reports only buffers the GC has collected, and only when the next
 * buffer is allocated, so this collects and allocates a few times before it looks.
 */
public final class NoLeaks implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeaks.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("log", new LogCapture("io.netty.util.ResourceLeakDetector"));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try (LogCapture log = context.getStore(NS).remove("log", LogCapture.class)) {
            assertEquals(List.of(), leaks(log), "Netty reported leaked buffers");
        }
    }

    /** The leak reports so far, after giving the detector its chances to report. */
    public static List<String> leaks(LogCapture log) throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
            for (int j = 0; j < 20; j++) {
                ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(8);
                probe.release();
            }
        }
        return log.lines().stream().filter(l -> l.contains("LEAK")).toList();
    }
}
