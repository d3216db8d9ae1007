package io.qmeter.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A scripted SSE stub that writes, into every content chunk, the {@link System#nanoTime()} at which
 * it wrote that chunk: {@code "text":"<nanos>;"}. On Linux {@code System.nanoTime()} is
 * {@code CLOCK_MONOTONIC}, one clock for every process of the machine, so the client can compare
 * the time it recorded for each token with the time the server actually sent it: the client's own
 * timestamping error, without the server's scheduling jitter (which a comparison against the
 * script's nominal times also counts). The time is taken just before the write, so the error also
 * contains the stub's write system call and the loopback (a few microseconds).
 *
 * <p>Plain Netty, one event loop (native epoll where available). Every request, whatever it asks:
 * first token {@code --ttft-ms} after the request arrived, then one every {@code --gap-ms},
 * {@code --tokens} in all, each scheduled from the request's arrival (no drift), then a usage chunk
 * and {@code [DONE]}. Prints {@code baseUrl=...} once listening; runs until killed.
 *
 * <pre>{@code
 * java -cp "$CP" io.qmeter.bench.TimestampStubMain --port 8091 --ttft-ms 200 --gap-ms 100 --tokens 16 &
 * }</pre>
 */
public final class TimestampStubMain {

    private TimestampStubMain() {
    }

    /**
     * Starts the stub.
     *
     * @param args {@code --port --ttft-ms --gap-ms --tokens}
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        Args a = Args.parse(args);
        int port = a.integer("port", 8091);
        long ttft = (long) (a.dbl("ttft-ms", 200) * 1e6);
        long gap = (long) (a.dbl("gap-ms", 100) * 1e6);
        int tokens = a.integer("tokens", 16);
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        Channel server = new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 16_384)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new Stream(ttft, gap, tokens));
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
        System.out.println("baseUrl=http://127.0.0.1:" + port + " (timestamping stub, " + (epoll ? "epoll" : "nio") + ")");
        System.out.flush();
        new CountDownLatch(1).await();
        server.close();
    }

    /** Answers each request of a connection with the timed stream. */
    private static final class Stream extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final byte[] USAGE_AND_DONE = ("data: {\"id\":\"cmpl-ts\",\"object\":\"text_completion\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":%d}}\n\ndata: [DONE]\n\n")
                .getBytes(StandardCharsets.US_ASCII);
        private final long ttft;
        private final long gap;
        private final int tokens;

        Stream(long ttft, long gap, int tokens) {
            this.ttft = ttft;
            this.gap = gap;
            this.tokens = tokens;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            long arrived = System.nanoTime();
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ctx.writeAndFlush(head);
            schedule(ctx, arrived, 0);
        }

        private void schedule(ChannelHandlerContext ctx, long arrived, int i) {
            long due = arrived + ttft + i * gap;
            ctx.executor().schedule(() -> token(ctx, arrived, i), due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        private void token(ChannelHandlerContext ctx, long arrived, int i) {
            if (!ctx.channel().isActive()) {
                return;
            }
            long now = System.nanoTime();
            String chunk = "data: {\"id\":\"cmpl-ts\",\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\""
                    + now + ";\",\"finish_reason\":" + (i == tokens - 1 ? "\"length\"" : "null") + "}]}\n\n";
            ByteBuf buf = Unpooled.wrappedBuffer(chunk.getBytes(StandardCharsets.US_ASCII));
            if (i < tokens - 1) {
                ctx.writeAndFlush(new DefaultHttpContent(buf));
                schedule(ctx, arrived, i + 1);
            } else {
                ctx.write(new DefaultHttpContent(buf));
                String end = new String(USAGE_AND_DONE, StandardCharsets.US_ASCII).replace("%d", Integer.toString(tokens));
                ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(end.getBytes(StandardCharsets.US_ASCII))));
            }
        }
    }
}
