package exo.discovery;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records listener calls as lines such as {@code found n1 [10.0.0.2:7000]}, for tests. */
public final class RecordingListener implements DiscoveryListener {

    private final BlockingQueue<String> calls = new LinkedBlockingQueue<>();

    @Override
    public void found(DiscoveredNode node) {
        calls.add("found " + node.id() + " " + node.addresses());
    }

    @Override
    public void updated(DiscoveredNode node) {
        calls.add("updated " + node.id() + " " + node.addresses());
    }

    @Override
    public void lost(DiscoveredNode node) {
        calls.add("lost " + node.id());
    }

    /** The next call, waiting at most {@code seconds}. */
    public String next(long seconds) throws InterruptedException {
        String call = calls.poll(seconds, TimeUnit.SECONDS);
        return call == null ? "(nothing within " + seconds + " s)" : call;
    }

    public String next() throws InterruptedException {
        return next(5);
    }

    public boolean isEmpty() {
        return calls.isEmpty();
    }
}
