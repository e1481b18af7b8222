package exo.serve;

import exo.serve.http.Exchange;
import exo.serve.http.ResponseStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /exo/ring/events}: the cluster view's state as server-sent events, one at once and
 * then one each time it changes, checked every second (so a busy ring is pushed about once a
 * second and an idle one not at all, but for a comment every 15 s that finds clients that left).
 * The access log has one line per stream, when it ends, not one per update.
 */
final class ClusterEvents {
    private static final long TICK_MILLIS = 1000;
    private static final long KEEPALIVE_NANOS = 15_000_000_000L;

    private final ClusterView view;
    private final Object signal = new Object();
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean stopped;

    ClusterEvents(ClusterView view) {
        this.view = view;
    }

    void stream(Exchange exchange) throws Exception {
        exchange.header("Cache-Control", "no-cache");
        ClusterView.Recent busy = new ClusterView.Recent();
        open.incrementAndGet();
        try (AutoCloseable wake = exchange.onGone(this::wake)) {
            ResponseStream out = exchange.stream(200, Sse.CONTENT_TYPE);
            String last = null;
            long sent = System.nanoTime();
            while (!stopped && !exchange.gone()) {
                String state = view.state(busy).toString();
                if (!state.equals(last)) {
                    if (!out.send(Sse.data(state))) {
                        break;
                    }
                    last = state;
                    sent = System.nanoTime();
                } else if (System.nanoTime() - sent > KEEPALIVE_NANOS) {
                    if (!out.send(": still here\n\n")) {
                        break;
                    }
                    sent = System.nanoTime();
                }
                synchronized (signal) {
                    if (!stopped && !exchange.gone()) {
                        signal.wait(TICK_MILLIS);
                    }
                }
            }
            if (!exchange.gone()) {
                out.end();
            }
        } finally {
            open.decrementAndGet();
        }
    }

    /** Ends every stream (the server is stopping), waiting up to a second for them to close, so they are not counted as answers. */
    void stop() {
        stopped = true;
        wake();
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (open.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }
}
