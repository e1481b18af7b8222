package exo.peer;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak check of the other tests is real: a buffer dropped without release is reported. */
class NoLeaksTest {

    @Test
    void aDroppedBufferIsReported() throws Exception {
        try (LogCapture log = new LogCapture("io.netty.util.ResourceLeakDetector", true)) {
            leakOne();
            assertFalse(NoLeaks.leaks(log).isEmpty(), "paranoid leak detection did not report a dropped buffer");
        }
    }

    private static void leakOne() {
        ByteBufAllocator.DEFAULT.buffer(16).writeInt(42);
    }
}
