package exo.discovery;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Hands changes to a {@link DiscoveryListener} on one thread of its own, in the order they were
 * queued: changes arrive from several threads (JmDNS, the peer layer) and the listener should
 * neither see them interleaved nor hold those threads up.
 */
public final class ListenerThread implements AutoCloseable {

    private static final long CLOSE_WAIT_SECONDS = 5;

    private final ExecutorService executor;
    private final DiscoveryListener listener;

    public ListenerThread(String name, DiscoveryListener listener) {
        this.listener = listener;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public void deliver(Optional<NodeTable.Change> change) {
        change.ifPresent(c -> deliver(List.of(c)));
    }

    public void deliver(List<NodeTable.Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        try {
            executor.execute(() -> changes.forEach(c -> c.deliver(listener)));
        } catch (RejectedExecutionException e) {
            // closed: nobody is listening any more
        }
    }

    /** Delivers what is queued (for a few seconds at most), then stops. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
