package exo.peer.netty;

import exo.peer.Peer;
import exo.peer.PeerListener;
import exo.peer.PeerMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what a network's listener hears; every wait has a timeout. */
final class RecordingListener implements PeerListener {
    record Event(String kind, Peer peer, PeerMessage message, String reason, long nanos) {
    }

    private final BlockingQueue<Event> connected = new LinkedBlockingQueue<>();
    private final BlockingQueue<Event> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<Event> disconnected = new LinkedBlockingQueue<>();
    final List<Event> all = new CopyOnWriteArrayList<>();
    private final AtomicInteger heartbeats = new AtomicInteger();

    int heartbeats() {
        return heartbeats.get();
    }

    @Override
    public void onConnected(Peer peer) {
        add(connected, new Event("connected", peer, null, null, System.nanoTime()));
    }

    @Override
    public void onMessage(Peer peer, PeerMessage message) {
        if (message instanceof PeerMessage.Heartbeat) {
            heartbeats.incrementAndGet();
        } else {
            add(messages, new Event("message", peer, message, null, System.nanoTime()));
        }
    }

    @Override
    public void onDisconnected(Peer peer, String reason) {
        add(disconnected, new Event("disconnected", peer, null, reason, System.nanoTime()));
    }

    private void add(BlockingQueue<Event> q, Event e) {
        all.add(e);
        q.add(e);
    }

    Event connected(Duration timeout) throws InterruptedException {
        return take(connected, timeout, "onConnected");
    }

    Event disconnected(Duration timeout) throws InterruptedException {
        return take(disconnected, timeout, "onDisconnected");
    }

    PeerMessage message(Duration timeout) throws InterruptedException {
        return take(messages, timeout, "onMessage").message();
    }

    long count(String kind) {
        return all.stream().filter(e -> e.kind().equals(kind)).count();
    }

    private static Event take(BlockingQueue<Event> q, Duration timeout, String what) throws InterruptedException {
        Event e = q.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError("no " + what + " within " + timeout);
        }
        return e;
    }
}
