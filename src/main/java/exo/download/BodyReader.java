package exo.download;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read chunk by chunk with an idle timeout. HttpClient's own timeout ends when
 * the headers arrive, and a stream from {@code BodyHandlers.ofInputStream} can block for ever
 * on a stalled connection; polling a queue fed by the subscriber bounds every wait, so a
 * stalled CDN connection becomes a retryable error instead of a hung download.
 */
final class BodyReader implements BodySubscriber<BodyReader>, AutoCloseable {
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    private volatile boolean finished;

    @Override
    public CompletionStage<BodyReader> getBody() {
        // Available as soon as the headers are: the caller reads the body as it streams in.
        return CompletableFuture.completedStage(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription.complete(s);
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable t) {
        queue.add(t);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    /** The next buffers of the body, or null at its end. */
    @SuppressWarnings("unchecked")
    List<ByteBuffer> next(Duration idle) throws IOException {
        Object o;
        try {
            o = queue.poll(idle.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download interrupted");
        }
        if (o == null) {
            throw new HttpTimeoutException("no data for " + idle.toMillis() / 1000.0 + " s");
        }
        if (o == END) {
            finished = true;
            return null;
        }
        if (o instanceof Throwable t) {
            finished = true;
            throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
        }
        // Ask for the next chunk now, so it arrives while the caller writes this one.
        subscription.join().request(1);
        return (List<ByteBuffer>) o;
    }

    /** Stops the transfer if the body was not read to its end (frees the connection). */
    @Override
    public void close() {
        if (!finished && subscription.isDone()) {
            subscription.join().cancel();
        }
        finished = true;
    }
}
