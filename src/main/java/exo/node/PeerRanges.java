package exo.node;

import exo.download.ByteRange;
import exo.download.ByteSource;
import exo.download.RangeSink;
import exo.peer.ModelRef;
import exo.peer.Peer;
import exo.peer.PeerMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Byte ranges of a model file read from a peer that holds it: each request answered with the
 * bytes and their SHA-256, which is checked before the bytes are used. How a node without the
 * weights gets its slice from the tail (or another node) instead of the hub.
 */
final class PeerRanges {
    private static final long TIMEOUT_SECONDS = 60;

    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<PeerMessage.RangeReply>> pending = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();

    /** The file {@code model} names, as {@code peer} holds it. */
    ByteSource from(Peer peer, ModelRef model) {
        return new ByteSource() {
            @Override
            public long size() {
                return model.sizeBytes();
            }

            @Override
            public void read(ByteRange range, RangeSink sink) throws IOException {
                for (long at = range.start(); at < range.end(); ) {
                    int n = (int) Math.min(PeerMessage.RangeRequest.MAX_LENGTH, range.end() - at);
                    PeerMessage.RangeReply reply = fetch(peer, model, at, n);
                    if (reply.data().length != n || !java.util.Arrays.equals(reply.sha256(), sha256(reply.data()))) {
                        throw new IOException("node " + peer.info().id() + " sent " + reply.data().length + " bytes at "
                                + at + " of " + model.fileName() + " that do not match their SHA-256; not used");
                    }
                    received.addAndGet(n);
                    sink.write(at, ByteBuffer.wrap(reply.data()));
                    at += n;
                }
            }
        };
    }

    private PeerMessage.RangeReply fetch(Peer peer, ModelRef model, long offset, int length) throws IOException {
        long id = ids.incrementAndGet();
        CompletableFuture<PeerMessage.RangeReply> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            peer.send(new PeerMessage.RangeRequest(id, model, offset, length));
            return reply.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("node " + peer.info().id() + " did not send bytes of " + model.fileName() + " within "
                    + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading from node " + peer.info().id());
        } finally {
            pending.remove(id);
        }
    }

    void reply(PeerMessage.RangeReply r) {
        CompletableFuture<PeerMessage.RangeReply> f = pending.get(r.requestId());
        if (f != null) {
            f.complete(r);
        }
    }

    void failed(Peer from, PeerMessage.RangeFailed r) {
        CompletableFuture<PeerMessage.RangeReply> f = pending.get(r.requestId());
        if (f != null) {
            f.completeExceptionally(new IOException("node " + from.info().id() + ": " + r.reason()));
        }
    }

    /** Bytes taken from peers so far (checked), for reports and tests. */
    long bytesReceived() {
        return received.get();
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
