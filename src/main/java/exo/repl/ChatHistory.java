package exo.repl;

import java.time.Instant;
import org.jline.reader.impl.history.DefaultHistory;

/**
 * JLine history holding whole messages: the line reader's own adds (one per physical line, so a
 * {@code """} block would come back as its delimiter lines) are ignored, and the REPL records each
 * message or command once it is complete. A multi-line entry recalled with the up arrow is then
 * sent as it was when Enter is pressed.
 */
final class ChatHistory extends DefaultHistory {
    private boolean recording;

    @Override
    public void add(Instant time, String line) {
        if (recording) {
            super.add(time, line);
        }
    }

    void record(String entry) {
        recording = true;
        try {
            add(Instant.now(), entry);
        } finally {
            recording = false;
        }
    }
}
