package exo.peer.netty;

import exo.peer.SpinWait;
import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

/**
 * An event loop's choice between polling its sockets and blocking in select: for
 * {@link SpinWait#WINDOW_NANOS} after it last had I/O or tasks it polls (selectNow), so a reply
 * that comes back soon is read at once rather than after the thread is woken; then it blocks as
 * Netty's default does. A write handed to a polling loop by another thread needs no wakeup
 * through the selector either. One per event loop (Netty asks the factory once per loop).
 */
final class SpinningSelect implements SelectStrategy {
    private long lastActive = System.nanoTime();
    private int polls;

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        int ready = selectNow.get();
        long now = System.nanoTime();
        if (ready > 0 || hasTasks) {
            lastActive = now;
            polls = 0;
            return ready;
        }
        if (now - lastActive < SpinWait.WINDOW_NANOS) {
            SpinWait.pause(++polls);
            return CONTINUE;
        }
        return SELECT;
    }
}
