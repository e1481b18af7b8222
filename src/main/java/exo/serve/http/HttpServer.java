package exo.serve.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server on Netty's codec: a couple of event-loop threads read and write every
 * connection; whole requests are answered on worker threads (a bounded pool: handlers may
 * block, generating). Limits and timeouts are {@link HttpLimits}; what a request means is the
 * {@link Dispatcher}'s. {@link #stop} stops gracefully.
 */
public final class HttpServer implements AutoCloseable {
    /** A connection's unsent bytes beyond which a stream waits for its client to read. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 << 10, 64 << 10);
    /**
     * The kernel's send buffer per connection, fixed rather than grown up to megabytes: with the
     * water mark, what a client that stops reading holds in this machine is a few hundred KiB.
     * Token streams and JSON answers are small; 128 KiB still fills any local link.
     */
    private static final int SEND_BUFFER = 128 << 10;

    private final HttpLimits limits;
    private final Dispatcher dispatcher;
    private final BodyBudget budget;
    private final ConnectionGate gate;
    private final EventLoopGroup loops;
    private final ThreadPoolExecutor workers;
    private final ChannelGroup channels = new DefaultChannelGroup("exo-http", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger answering = new AtomicInteger();
    /** Large bodies parsed at once (see {@link Request#json()}). */
    private final java.util.concurrent.Semaphore bigParses = new java.util.concurrent.Semaphore(2);
    private final Channel server;
    private volatile boolean stopping;

    private HttpServer(InetSocketAddress address, HttpLimits limits, Dispatcher dispatcher) throws IOException {
        this.limits = limits;
        this.dispatcher = dispatcher;
        this.budget = new BodyBudget(limits.maxBodyBytesInFlight());
        this.gate = new ConnectionGate(limits.maxConnections(), limits.maxConnectionsPerAddress(),
                dispatcher.shapeFor("/"));
        this.loops = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("exo-http-io", true),
                NioIoHandler.newFactory());
        AtomicInteger workerIds = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, limits.maxWorkers(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> Thread.ofPlatform().name("exo-http-" + workerIds.incrementAndGet()).daemon().unstarted(r));
        ChannelFuture bind = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childOption(ChannelOption.SO_SNDBUF, SEND_BUFFER)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        HttpConnection connection = new HttpConnection(HttpServer.this);
                        ch.pipeline().addLast("gate", gate)
                                .addLast("watch", connection.new ByteWatch())
                                .addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(Math.min(8192, limits.maxHeaderBytes()))
                                        .setMaxHeaderSize(limits.maxHeaderBytes())
                                        .setMaxChunkSize(64 << 10)))
                                .addLast("http", connection);
                    }
                })
                .bind(address).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdown();
            // Netty reports a bind failure as it is: the address's fault (in use, not this machine's), not exo's.
            throw new IOException("cannot listen on " + address.getHostString() + ":" + address.getPort() + ": "
                    + bind.cause().getMessage(), bind.cause());
        }
        this.server = bind.channel();
    }

    /** Listens on {@code address} (port 0: any free one). */
    public static HttpServer start(InetSocketAddress address, HttpLimits limits, Dispatcher dispatcher)
            throws IOException {
        return new HttpServer(address, limits, dispatcher);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Connections open now. */
    public int connections() {
        return gate.open();
    }

    HttpLimits limits() {
        return limits;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    BodyBudget budget() {
        return budget;
    }

    java.util.concurrent.Semaphore bigParses() {
        return bigParses;
    }

    boolean stopping() {
        return stopping;
    }

    /** Hands a whole request to a worker; {@code done} runs when its handler returns. */
    void answer(Request request, NettyExchange exchange, Runnable done) {
        answering.incrementAndGet();
        try {
            workers.execute(() -> {
                try {
                    dispatcher.dispatch(request, exchange);
                } finally {
                    done.run();
                    answering.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            answering.decrementAndGet();
            throw e;
        }
    }

    /** Requests being answered now. */
    public int answering() {
        return answering.get();
    }

    /**
     * Stops gracefully: no new connections, idle ones closed, each busy one closed after its
     * answer; waits up to {@code bound} for running answers, then closes what is left (their
     * clients count as gone, so their work stops).
     *
     * @param beforeWaiting runs once accepting has stopped, with the number of answers running
     * @return the answers cut short when the bound passed
     */
    public int stop(Duration bound, java.util.function.IntConsumer beforeWaiting) {
        stopping = true;
        server.close().syncUninterruptibly();
        for (Channel c : channels) {
            HttpConnection connection = c.pipeline().get(HttpConnection.class);
            if (connection != null) {
                c.eventLoop().execute(connection::stop);
            }
        }
        beforeWaiting.accept(answering.get());
        long deadline = System.nanoTime() + bound.toNanos();
        while (answering.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int cut = answering.get();
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        return cut;
    }

    @Override
    public void close() {
        if (!stopping) {
            stop(Duration.ZERO, n -> { });
        }
    }
}
