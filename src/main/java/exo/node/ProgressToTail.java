package exo.node;

import exo.download.ProgressListener;
import exo.peer.Peer;
import exo.peer.PeerMessage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Passes a slice download's progress to the tail that asked for it, at most a few messages a
 * second, so the person at the tail sees each node's download move.
 */
final class ProgressToTail implements ProgressListener {
    private static final long INTERVAL_NANOS = 250_000_000L;

    private final Peer tail;
    private final long requestId;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong lastSent = new AtomicLong();
    private volatile long total;

    ProgressToTail(Peer tail, long requestId) {
        this.tail = tail;
        this.requestId = requestId;
    }

    @Override
    public void started(String what, long total, long done) {
        this.total = total;
        this.done.set(done);
        send();
    }

    @Override
    public void advanced(long bytes) {
        done.addAndGet(bytes);
        long now = System.nanoTime();
        long last = lastSent.get();
        if (now - last >= INTERVAL_NANOS && lastSent.compareAndSet(last, now)) {
            send();
        }
    }

    @Override
    public void finished(boolean ok) {
        send();
    }

    private void send() {
        long t = total;
        long d = done.get();
        tail.send(new PeerMessage.ShardProgress(requestId, t > 0 ? Math.min(d, t) : d, Math.max(t, 0)));
    }
}
