package exo.node.ring;

import exo.download.ProgressListener;
import exo.peer.PeerMessage;

/**
 * One node's slice on its way, as the node reports it (bytes so far of the total, a few times a
 * second), told to a progress display as a transfer of {@code what}: started at the first report,
 * advanced by the difference of each next one, finished when all the bytes are there (the node
 * then loads the slice, which is no part of the transfer's speed) or when the load is answered.
 */
final class SliceProgress {
    private final ProgressListener listener;
    private final String what;
    private boolean started;
    private boolean finished;
    private long done;

    /** @param what what goes to which node: "stories260K layers 0-7 for studio" */
    SliceProgress(ProgressListener listener, String what) {
        this.listener = listener;
        this.what = what;
    }

    synchronized void report(PeerMessage.ShardProgress p) {
        if (finished) {
            return;
        }
        if (!started) {
            started = true;
            done = p.bytesDone();
            listener.started(what, p.bytesTotal(), p.bytesDone());
        } else if (p.bytesDone() > done) {
            listener.advanced(p.bytesDone() - done);
            done = p.bytesDone();
        }
        if (p.bytesTotal() > 0 && done >= p.bytesTotal()) {
            finished(true);
        }
    }

    /** The load was answered: {@code ok} when the node loaded its slice. */
    synchronized void finished(boolean ok) {
        if (started && !finished) {
            finished = true;
            listener.finished(ok);
        }
    }
}
