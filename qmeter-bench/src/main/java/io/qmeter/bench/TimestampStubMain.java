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
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scripted SSE stub that writes, into every content chunk, the {@link System#nanoTime()} at which
 * it wrote that chunk: {@code "text":"<nanos>;"}. On Linux {@code System.nanoTime()} is
 * {@code CLOCK_MONOTONIC}, one clock for every process of the machine, so the client can compare
 * the time it recorded for each token with the time the server actually sent it: the client's own
 * timestamping error, without the server's scheduling jitter (which a comparison against the
 * script's nominal times also counts).
 *
 * <p>The stamp is taken as late as possible: the chunk (HTTP chunk framing included) is laid out in
 * a pooled buffer first, then the clock is read, its digits are written into their place and the
 * buffer goes to the socket with a void promise. Nothing is allocated between the stamp and the
 * {@code write} system call, so a garbage collection of the stub cannot fall between them (an
 * earlier version built each chunk as a String after reading the clock: the stub's own pauses were
 * counted as the client's error). What remains in the error besides the client is the stub's
 * {@code write} call and the loopback, a few microseconds; {@code refclient stamped}
 * ({@code native/refclient.c}) measures that floor against this same stub.
 *
 * <p>Plain Netty, one event loop (native epoll where available); requests are decoded by Netty's
 * codec, responses are written as raw bytes. Every request, whatever it asks: first token
 * {@code --ttft-ms} after the request arrived, then one every {@code --gap-ms}, {@code --tokens} in
 * all, each scheduled from the request's arrival (no drift), then a usage chunk and {@code [DONE]}.
 * Prints {@code baseUrl=...} once listening; runs until killed.
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
        Running stub = start(port, ttft, gap, tokens);
        System.out.println("baseUrl=http://127.0.0.1:" + stub.port() + " (timestamping stub, "
                + (Epoll.isAvailable() ? "epoll" : "nio") + ")");
        System.out.flush();
        new CountDownLatch(1).await();
        stub.stop();
    }

    /**
     * A started stub.
     *
     * @param server   the listening channel
     * @param accepted connections accepted so far
     */
    record Running(Channel server, AtomicLong accepted) {
        int port() {
            return ((InetSocketAddress) server.localAddress()).getPort();
        }

        /** Closes the listening channel and the stub's event loop. */
        void stop() {
            server.close().syncUninterruptibly();
            server.eventLoop().parent().shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Starts the stub on 127.0.0.1.
     *
     * @param port   the port (0: any free one)
     * @param ttft   nanos from a request's arrival to its first token
     * @param gap    nanos between tokens
     * @param tokens content tokens per response
     * @return the running stub
     * @throws InterruptedException when interrupted while binding
     */
    static Running start(int port, long ttft, long gap, int tokens) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        AtomicLong accepted = new AtomicLong();
        Channel server = new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 16_384)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.incrementAndGet();
                        ch.pipeline().addLast(new HttpRequestDecoder(), new HttpObjectAggregator(1 << 20),
                                new Stream(ttft, gap, tokens));
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
        return new Running(server, accepted);
    }

    /** Answers each request of a connection with the timed stream. */
    static final class Stream extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final byte[] HEAD = ascii("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                + "transfer-encoding: chunked\r\n\r\n");
        private static final String BEFORE = "data: {\"id\":\"cmpl-ts\",\"object\":\"text_completion\","
                + "\"choices\":[{\"index\":0,\"text\":\"";
        private final long ttft;
        private final long gap;
        private final int tokens;
        /** A content chunk around its stamp, per digit count: chunk size line + JSON up to the stamp ... */
        private final byte[][] heads = new byte[20][];
        private final byte[][] lastHeads = new byte[20][];
        /** ... and the JSON after it + the chunk's CRLF. */
        private final byte[] tail = ascii(";\",\"finish_reason\":null}]}\n\n\r\n");
        private final byte[] lastTail = ascii(";\",\"finish_reason\":\"length\"}]}\n\n\r\n");
        /** The usage chunk, [DONE] and the last (empty) chunk. */
        private final byte[] end;

        Stream(long ttft, long gap, int tokens) {
            this.ttft = ttft;
            this.gap = gap;
            this.tokens = tokens;
            String usage = "data: {\"id\":\"cmpl-ts\",\"object\":\"text_completion\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":" + tokens + "}}\n\ndata: [DONE]\n\n";
            this.end = ascii(Integer.toHexString(usage.length()) + "\r\n" + usage + "\r\n0\r\n\r\n");
            for (int digits = 1; digits < 20; digits++) {
                // chunk size = the JSON event without the CRLF that ends the chunk
                heads[digits] = ascii(Integer.toHexString(BEFORE.length() + digits + tail.length - 2) + "\r\n" + BEFORE);
                lastHeads[digits] = ascii(Integer.toHexString(BEFORE.length() + digits + lastTail.length - 2) + "\r\n"
                        + BEFORE);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            long arrived = System.nanoTime();
            ctx.writeAndFlush(Unpooled.wrappedBuffer(HEAD), ctx.voidPromise());
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
            boolean last = i == tokens - 1;
            int digits = digits(System.nanoTime());
            byte[] head = last ? lastHeads[digits] : heads[digits];
            byte[] after = last ? lastTail : tail;
            ByteBuf buf = ctx.alloc().directBuffer(head.length + digits + after.length + (last ? end.length : 0));
            buf.writeBytes(head);
            int at = buf.writerIndex();
            buf.writerIndex(at + digits);
            buf.writeBytes(after);
            if (last) {
                buf.writeBytes(end);
            }
            long now = System.nanoTime();
            if (digits(now) != digits) { // the clock just gained a digit: lay the chunk out again
                buf.release();
                token(ctx, arrived, i);
                return;
            }
            for (int k = at + digits - 1; k >= at; k--) {
                buf.setByte(k, (int) ('0' + now % 10));
                now /= 10;
            }
            ctx.writeAndFlush(buf, ctx.voidPromise());
            if (!last) {
                schedule(ctx, arrived, i + 1);
            }
        }

        static int digits(long v) {
            int d = 1;
            while (v >= 10) {
                v /= 10;
                d++;
            }
            return d;
        }

        private static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }
    }
}
