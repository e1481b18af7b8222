package exo.serve.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Exchange} of one request on a Netty channel. Handlers call it from their worker
 * thread; writes go to the channel's event loop. A stream waits while the channel holds more
 * than its high-water mark unsent (a client that does not read), up to the write timeout,
 * after which the connection is closed and the client counts as gone.
 */
final class NettyExchange implements Exchange {
    private final HttpConnection connection;
    private final Channel channel;
    private final Request request;
    private final boolean head;
    private final HttpHeaders extra = new DefaultHttpHeaders();
    private final List<Runnable> goneListeners = new ArrayList<>();
    private final Object writability = new Object();
    private volatile int status;
    private volatile int outcome;
    private volatile boolean gone;
    private volatile ChannelPromise last;

    NettyExchange(HttpConnection connection, Channel channel, Request request, boolean head) {
        this.connection = connection;
        this.channel = channel;
        this.request = request;
        this.head = head;
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public synchronized void header(String name, String value) {
        if (status != 0) {
            throw new IllegalStateException("header " + name + " after the response started");
        }
        extra.add(name, value);
    }

    @Override
    public void json(int status, JsonNode body) {
        bytes(status, "application/json", (body.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void bytes(int status, String contentType, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        if (status != 204) { // a 204 has neither (RFC 9110 8.6)
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            HttpUtil.setContentLength(r, body.length);
        }
        writeLast(prepare(status, r));
    }

    @Override
    public ResponseStream stream(int status, String contentType) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType).set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set("X-Accel-Buffering", "no");
        HttpUtil.setTransferEncodingChunked(r, true);
        channel.writeAndFlush(prepare(status, r));
        return new ResponseStream() {
            @Override
            public boolean send(String piece) {
                if (!awaitWritable()) {
                    return false;
                }
                if (!head) {
                    channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(piece, StandardCharsets.UTF_8)));
                }
                return true;
            }

            @Override
            public void end() {
                if (!gone) {
                    writeLast(LastHttpContent.EMPTY_LAST_CONTENT);
                }
            }
        };
    }

    /** Answers with {@code error} in the route family's shape (the transport's refusals, a handler's failure). */
    void error(ErrorShape shape, HttpError error) {
        writeLast(prepare(error.status(), errorResponse(shape, error, head)));
    }

    /** A refusal sent from the event loop before any worker took the request. */
    void refuseNow(HttpError error) {
        error(connection.shape(request.path()), error);
    }

    static FullHttpResponse errorResponse(ErrorShape shape, HttpError error, boolean head) {
        byte[] body = (shape.render(error) + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(error.status()), head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        HttpUtil.setContentLength(r, body.length);
        for (Map.Entry<String, String> h : error.headers().entrySet()) {
            r.headers().set(h.getKey(), h.getValue());
        }
        return r;
    }

    /** Takes {@code status} as this exchange's one response and gives {@code r} the headers it needs. */
    private HttpResponse prepare(int status, HttpResponse r) {
        synchronized (this) {
            if (this.status != 0) {
                throw new IllegalStateException("a second response to " + request.method() + " " + request.path());
            }
            this.status = status;
            r.headers().add(extra);
        }
        if (connection.closesAfterAnswer()) {
            r.headers().set(HttpHeaderNames.CONNECTION, "close");
        } else if (r.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            r.headers().set(HttpHeaderNames.CONNECTION, "keep-alive");
        }
        return r;
    }

    /**
     * The answer's last write: once on the wire the connection takes the next request; a client
     * that does not take it within the write timeout is cut off. Its promise is known before the
     * write is queued, so a client that closes right after reading it is never taken for gone.
     */
    private void writeLast(Object message) {
        ChannelPromise last = channel.newPromise();
        last.addListener(f -> connection.answered(this, f.isSuccess()));
        this.last = last;
        channel.writeAndFlush(message, last);
        long timeout = connection.writeTimeout().toNanos();
        channel.eventLoop().schedule(() -> {
            if (!last.isDone()) {
                channel.close();
            }
        }, timeout, TimeUnit.NANOSECONDS);
    }

    /** Waits while the channel's buffer is over its high-water mark; false when the client is gone. */
    private boolean awaitWritable() {
        if (gone) {
            return false;
        }
        if (channel.isWritable()) {
            return true;
        }
        long deadline = System.nanoTime() + connection.writeTimeout().toNanos();
        synchronized (writability) {
            while (!channel.isWritable() && !gone) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    clientGone(); // not read for the write timeout: it counts as gone, now
                    channel.close();
                    return false;
                }
                try {
                    writability.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return !gone;
    }

    void writabilityChanged() {
        synchronized (writability) {
            writability.notifyAll();
        }
    }

    /** The channel closed: if the answer was not all written, the client is gone. */
    void clientGone() {
        List<Runnable> listeners;
        synchronized (this) {
            if (completed()) {
                return;
            }
            gone = true;
            listeners = List.copyOf(goneListeners);
            goneListeners.clear();
        }
        writabilityChanged();
        listeners.forEach(Runnable::run);
    }

    @Override
    public boolean gone() {
        return gone;
    }

    @Override
    public AutoCloseable onGone(Runnable listener) {
        synchronized (this) {
            if (!gone) {
                goneListeners.add(listener);
                return () -> {
                    synchronized (this) {
                        goneListeners.remove(listener);
                    }
                };
            }
        }
        listener.run();
        return () -> { };
    }

    @Override
    public boolean started() {
        return status != 0;
    }

    /** The status sent, or 0 when none was. */
    int status() {
        return status;
    }

    /** Whether the whole answer is on the wire. */
    boolean completed() {
        ChannelPromise p = last;
        return p != null && p.isSuccess();
    }

    /** Closes the connection: an answer that failed after its status was sent cannot say so otherwise. */
    void abort() {
        channel.close();
    }

    @Override
    public void outcome(int status) {
        this.outcome = status;
    }

    /** What the log records: the outcome a handler gave, else the status sent. */
    int logged() {
        return outcome != 0 ? outcome : status;
    }
}
