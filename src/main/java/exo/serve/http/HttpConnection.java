package exo.serve.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client connection, on its event loop: reads a request's headers and body within their
 * timeouts and limits, hands the whole request to a worker thread, and keeps the connection
 * for the next one (keep-alive) once the answer is written. While a request is answered the
 * connection is still read, so a client that closes it is noticed at once and its work
 * cancelled; a client that pipelines a second request meanwhile has it dropped and the
 * connection closed after the first answer (it sends it again, as RFC 9112 lets it).
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {
    private enum State {
        /** Waiting for a request (the idle timeout runs). */
        IDLE,
        /** A request's first bytes came; its headers have not (the header timeout runs). */
        HEADERS,
        /** Headers read, body coming (the body timeout runs). */
        BODY,
        /** Answering; nothing times out here but a client that stops reading. */
        BUSY,
        /** Refused before its body came: the rest of it is read and dropped, then the connection closes. */
        DRAIN
    }

    private final HttpServer server;
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private ScheduledFuture<?> timer;
    private HttpRequest head;
    private long firstByteNanos;
    private byte[] body;
    private int bodyLength;
    private long reserved;
    private boolean keepAlive;
    private boolean closeAfterAnswer;
    private NettyExchange exchange;

    HttpConnection(HttpServer server) {
        this.server = server;
    }

    /** Sees the raw bytes before the codec: the first of a request starts its header timeout. */
    final class ByteWatch extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            if (state == State.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
                state = State.HEADERS;
                firstByteNanos = System.nanoTime();
                schedule(server.limits().headerTimeout(), this::headersTooSlow);
            }
            c.fireChannelRead(msg);
        }

        /** Slowloris: a request whose headers trickle in is closed without an answer. */
        private void headersTooSlow() {
            if (state == State.HEADERS) {
                ctx.close();
            }
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext c) {
        this.ctx = c;
    }

    @Override
    public void channelActive(ChannelHandlerContext c) {
        idle();
        c.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                onHead(request);
            }
            if (msg instanceof HttpContent content) {
                onContent(content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpRequest request) {
        if (state == State.BUSY || state == State.DRAIN) {
            closeAfterAnswer = true; // pipelined: dropped, and the connection closes after the answer
            return;
        }
        if (!ctx.channel().isActive()) {
            return; // the codec's word that the connection closed mid-request (a slowloris timed out): no one to answer
        }
        head = request;
        keepAlive = HttpUtil.isKeepAlive(request);
        String path = pathOf(request.uri());
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            HttpError e = cause instanceof TooLongHttpLineException
                    ? HttpError.of(414, "uri_too_long", "the request line is over the limit")
                    : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException
                    ? HttpError.of(431, "headers_too_large", "the request headers are over "
                            + server.limits().maxHeaderBytes() + " bytes")
                    : HttpError.of(400, "malformed_request", "malformed HTTP request: "
                            + String.valueOf(cause.getMessage()).replaceAll("\\s+", " "));
            refuse(path, e, true);
            return;
        }
        if (server.stopping()) {
            refuse(path, HttpError.of(503, "server_stopping", "the server is stopping"), false);
            return;
        }
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
            refuse(path, HttpError.of(417, "expectation_failed", "only 'Expect: 100-continue' is understood"), false);
            return;
        }
        long declared = HttpUtil.getContentLength(request, -1L);
        int max = server.limits().maxBodyBytes();
        if (declared > max) {
            refuse(path, tooLarge(), false);
            return;
        }
        long want = Math.max(declared, 0);
        if (!server.budget().take(want)) {
            refuse(path, HttpError.withHeader(HttpError.of(503, "server_busy", "too many large requests are being "
                    + "read at once; try again shortly"), "Retry-After", "1"), false);
            return;
        }
        reserved = want;
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        body = new byte[(int) Math.min(Math.max(declared, 0), 64 << 10)];
        bodyLength = 0;
        state = State.BODY;
        schedule(server.limits().bodyTimeout(), this::bodyTooSlow);
    }

    private void onContent(HttpContent content) {
        if (state == State.DRAIN) {
            if (content instanceof LastHttpContent) {
                closeWhenAnswered();
            }
            return;
        }
        if (state != State.BODY) {
            return; // a pipelined request's body, dropped with it
        }
        if (content.decoderResult().isFailure()) {
            refuse(pathOf(head.uri()), HttpError.of(400, "malformed_request", "malformed request body: "
                    + String.valueOf(content.decoderResult().cause().getMessage()).replaceAll("\\s+", " ")), true);
            return;
        }
        ByteBuf bytes = content.content();
        int n = bytes.readableBytes();
        if ((long) bodyLength + n > server.limits().maxBodyBytes()) {
            refuse(pathOf(head.uri()), tooLarge(), false);
            return;
        }
        if (bodyLength + n > reserved) {
            long more = bodyLength + n - reserved;
            if (!server.budget().take(more)) {
                refuse(pathOf(head.uri()), HttpError.withHeader(HttpError.of(503, "server_busy", "too many large "
                        + "requests are being read at once; try again shortly"), "Retry-After", "1"), false);
                return;
            }
            reserved += more;
        }
        if (bodyLength + n > body.length) {
            body = Arrays.copyOf(body, (int) Math.min(server.limits().maxBodyBytes(),
                    Math.max((long) body.length * 2, bodyLength + n)));
        }
        bytes.readBytes(body, bodyLength, n);
        bodyLength += n;
        if (content instanceof LastHttpContent) {
            dispatch();
        }
    }

    private HttpError tooLarge() {
        int max = server.limits().maxBodyBytes();
        return HttpError.of(413, "request_too_large", "the request body is over " + (max >= 1 << 20 && max % (1 << 20) == 0
                ? (max >> 20) + " MiB" : max + " bytes"));
    }

    /** The whole request is here: a worker answers it while this loop watches the connection. */
    private void dispatch() {
        cancelTimer();
        if (server.stopping()) {
            refuse(pathOf(head.uri()), HttpError.of(503, "server_stopping", "the server is stopping"), false);
            return;
        }
        state = State.BUSY;
        QueryStringDecoder uri = new QueryStringDecoder(head.uri());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : head.headers()) {
            headers.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue());
        }
        byte[] whole = body.length == bodyLength ? body : Arrays.copyOf(body, bodyLength);
        body = null;
        Request request = new Request(head.method().name(), head.uri(), uri.path(), uri.parameters(), headers, whole,
                (InetSocketAddress) ctx.channel().remoteAddress(), System.nanoTime());
        request.bigParses(server.bigParses());
        NettyExchange ex = new NettyExchange(this, ctx.channel(), request, head.method().name().equals("HEAD"));
        exchange = ex;
        long held = reserved;
        reserved = 0;
        try {
            server.answer(request, ex, () -> server.budget().give(held));
        } catch (RejectedExecutionException e) {
            server.budget().give(held);
            HttpError busy = HttpError.withHeader(HttpError.of(503, "server_busy", "the server is answering as many "
                    + "requests as it can; try again shortly"), "Retry-After", "1");
            server.dispatcher().logRefused(request.method(), request.path(), busy.status(), 0, request.remote());
            ex.refuseNow(busy);
        }
    }

    Duration writeTimeout() {
        return server.limits().writeTimeout();
    }

    ErrorShape shape(String path) {
        return server.dispatcher().shapeFor(path);
    }

    /** Whether the answer now being written should say "Connection: close". */
    boolean closesAfterAnswer() {
        return !keepAlive || closeAfterAnswer || server.stopping();
    }

    /** Called on this loop when an answer has been written (or failed to be). */
    void answered(NettyExchange ex, boolean written) {
        if (ex != exchange) {
            return;
        }
        exchange = null;
        if (!written || closesAfterAnswer()) {
            ctx.close();
            return;
        }
        idle();
    }

    /** The server stops: an idle connection closes now, a busy one after its answer. */
    void stop() {
        if (state == State.IDLE) {
            ctx.close();
        } else {
            closeAfterAnswer = true;
        }
    }

    private void idle() {
        state = State.IDLE;
        head = null;
        schedule(server.limits().idleTimeout(), () -> {
            if (state == State.IDLE) {
                ctx.close();
            }
        });
    }

    private void bodyTooSlow() {
        if (state == State.BODY) {
            refuse(pathOf(head.uri()), HttpError.of(408, "request_timeout", "the request body did not arrive within "
                    + millis(server.limits().bodyTimeout())), true);
        }
    }

    /**
     * Answers {@code error} before any handler ran, in the shape of {@code path}'s family, and
     * logs it; the connection then closes (after the rest of the body, unless {@code now}).
     */
    private void refuse(String path, HttpError error, boolean now) {
        cancelTimer();
        if (reserved > 0) {
            server.budget().give(reserved);
            reserved = 0;
        }
        body = null;
        boolean bodyPending = !now && head != null && (HttpUtil.getContentLength(head, 0L) > 0
                || HttpUtil.isTransferEncodingChunked(head)) && state != State.DRAIN;
        String method = head == null ? "-" : head.method().name();
        FullHttpResponse response = NettyExchange.errorResponse(server.dispatcher().shapeFor(path), error,
                method.equals("HEAD"));
        response.headers().set(HttpHeaderNames.CONNECTION, "close");
        long started = head == null || firstByteNanos == 0 ? System.nanoTime() : firstByteNanos;
        server.dispatcher().logRefused(method, path, error.status(), System.nanoTime() - started,
                (InetSocketAddress) ctx.channel().remoteAddress());
        if (bodyPending) {
            // Reading the rest keeps the client's send from failing before it sees the answer; bounded by the body timeout.
            state = State.DRAIN;
            ctx.writeAndFlush(response);
            schedule(server.limits().bodyTimeout(), ctx::close);
        } else {
            state = State.DRAIN;
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void closeWhenAnswered() {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext c) {
        NettyExchange ex = exchange;
        if (ex != null) {
            ex.writabilityChanged();
        }
        c.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
        cancelTimer();
        if (reserved > 0) {
            server.budget().give(reserved);
            reserved = 0;
        }
        NettyExchange ex = exchange;
        if (ex != null) {
            ex.clientGone();
        }
        c.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        if (!(cause instanceof IOException)) {
            server.dispatcher().log().error("HTTP connection from " + c.channel().remoteAddress() + " failed: "
                    + cause);
        }
        c.close();
    }

    private void schedule(Duration after, Runnable task) {
        cancelTimer();
        timer = ctx.executor().schedule(task, after.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** The decoded path of a request target; "/" for one that is not a path. */
    static String pathOf(String uri) {
        try {
            String p = new QueryStringDecoder(uri).path();
            return p.isEmpty() ? "/" : p;
        } catch (IllegalArgumentException e) {
            return uri;
        }
    }

    private static String millis(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
