package exo.serve.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections, in all and per client address; one over either limit is answered
 * 503 at once and closed, before anything of it is read.
 */
@ChannelHandler.Sharable
final class ConnectionGate extends ChannelInboundHandlerAdapter {
    private final int max;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final ErrorShape shape;

    ConnectionGate(int max, int maxPerAddress, ErrorShape shape) {
        this.max = max;
        this.maxPerAddress = maxPerAddress;
        this.shape = shape;
    }

    int open() {
        return open.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        int all = open.incrementAndGet();
        int fromThere = perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        ctx.channel().closeFuture().addListener(f -> {
            open.decrementAndGet();
            perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() == 0 ? null : n);
        });
        if (all > max || fromThere > maxPerAddress) {
            refuse(ctx, all > max ? "the server has " + max + " connections open; try again shortly"
                    : "this address has " + maxPerAddress + " connections open; close some or try again shortly");
            return;
        }
        ctx.fireChannelActive();
    }

    /** Written as bytes: the HTTP codec stands after this handler, and nothing was read to answer. */
    private void refuse(ChannelHandlerContext ctx, String message) {
        byte[] body = (shape.render(HttpError.of(503, "too_many_connections", message)) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n";
        ctx.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
