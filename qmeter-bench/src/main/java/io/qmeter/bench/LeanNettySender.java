package io.qmeter.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.qmeter.internal.sse.ChunkInterpreter;
import io.qmeter.client.CompletionRequest;
import io.qmeter.client.RequestSender;
import io.qmeter.internal.sse.SseDecoder;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A reference transport for the capacity benchmark, NOT the qMeter client: a lean HTTP/1.1
 * streaming {@link RequestSender} on raw Netty (one event loop, a LIFO pool of keep-alive
 * connections owned by that loop, the request pre-encoded into one buffer, the response decoded by
 * Netty's {@link HttpResponseDecoder} and fed to qMeter's own {@link SseDecoder} and
 * {@link ChunkInterpreter}). It measures the same times as {@code LlmClient} (sent = write
 * completed; one arrival time per network buffer) and builds the same {@link RequestRecord}s, but
 * has no timeouts, retries, TLS or error bodies. It exists to show how much of the client's cost per
 * request is its transport (Reactor Netty's {@code HttpClient}) and what the same machine does
 * without it: {@code CapacityBench --sender lean}.
 *
 * <pre>{@code
 * try (LeanNettySender s = new LeanNettySender(URI.create("http://127.0.0.1:8090"), 1024)) {
 *     RequestRecord r = s.send(request, 0, System.nanoTime()).join();
 * }
 * }</pre>
 */
public final class LeanNettySender implements RequestSender {

    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final byte[] head;
    private final int maxConnections;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final ArrayDeque<Ex> pending = new ArrayDeque<>();
    private int open;
    private final byte[] scratch = new byte[16 * 1024];
    /** Connections opened over the sender's life. */
    final AtomicLong connectionsOpened = new AtomicLong();

    /**
     * A sender for {@code baseUrl} (e.g. {@code http://127.0.0.1:8090/n256}) with up to
     * {@code maxConnections} connections.
     *
     * @param baseUrl        the server root; {@code /v1/completions} is appended
     * @param maxConnections the pool bound; more requests wait for a connection
     */
    public LeanNettySender(URI baseUrl, int maxConnections) {
        this.maxConnections = maxConnections;
        boolean epoll = Epoll.isAvailable();
        group = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        loop = group.next();
        String path = (baseUrl.getPath() == null ? "" : baseUrl.getPath().replaceAll("/+$", "")) + "/v1/completions";
        int port = baseUrl.getPort() < 0 ? 80 : baseUrl.getPort();
        head = ("POST " + path + " HTTP/1.1\r\nHost: " + baseUrl.getHost() + ":" + port
                + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: ")
                .getBytes(StandardCharsets.US_ASCII);
        bootstrap = new Bootstrap().group(loop).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .remoteAddress(baseUrl.getHost(), port)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpResponseDecoder(), new Handler());
                    }
                });
    }

    @Override
    public CompletableFuture<RequestRecord> send(CompletionRequest request, long index, long scheduledNanos) {
        Ex ex = new Ex(request, index, scheduledNanos, body(request));
        loop.execute(ex::acquire);
        return ex.future;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static byte[] body(CompletionRequest r) {
        StringBuilder s = new StringBuilder(160).append("{\"model\":\"").append(r.model()).append("\",\"prompt\":[");
        int[] ids = r.prompt().tokenIds();
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(ids[i]);
        }
        s.append("],\"max_tokens\":").append(r.maxTokens())
                .append(",\"ignore_eos\":true,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One request; all methods run on the loop. */
    private final class Ex implements SseDecoder.Listener {
        final CompletionRequest request;
        final long index;
        final long scheduledNanos;
        final byte[] body;
        final CompletableFuture<RequestRecord> future = new CompletableFuture<>();
        final ChunkInterpreter interpreter = new ChunkInterpreter(false);
        final SseDecoder decoder = new SseDecoder(this);
        Channel channel;
        long sentNanos = -1;
        long bufferNanos;
        long[] chunks = new long[16];
        int count;
        int status;
        boolean done;
        boolean finished;
        Outcome failure;
        String error;

        Ex(CompletionRequest request, long index, long scheduledNanos, byte[] body) {
            this.request = request;
            this.index = index;
            this.scheduledNanos = scheduledNanos;
            this.body = body;
        }

        void acquire() {
            Channel ch;
            while ((ch = idle.pollLast()) != null) {
                if (ch.isActive()) {
                    write(ch);
                    return;
                }
            }
            if (open < maxConnections) {
                open++;
                connectionsOpened.incrementAndGet();
                ChannelFuture f = bootstrap.connect();
                f.addListener(c -> {
                    if (c.isSuccess()) {
                        write(f.channel());
                    } else {
                        open--;
                        fail(Outcome.CONNECTION_ERROR, "connect failed: " + c.cause());
                    }
                });
            } else {
                pending.add(this);
            }
        }

        void write(Channel ch) {
            channel = ch;
            ch.pipeline().get(Handler.class).current = this;
            byte[] len = Integer.toString(body.length).getBytes(StandardCharsets.US_ASCII);
            ByteBuf buf = ch.alloc().directBuffer(head.length + len.length + 4 + body.length);
            buf.writeBytes(head).writeBytes(len).writeByte('\r').writeByte('\n').writeByte('\r').writeByte('\n')
                    .writeBytes(body);
            ch.writeAndFlush(buf).addListener(f -> {
                if (f.isSuccess()) {
                    sentNanos = System.nanoTime();
                }
            });
        }

        void onContent(ByteBuf content) {
            int at = content.readerIndex();
            int n = content.readableBytes();
            while (n > 0) {
                int k = Math.min(n, scratch.length);
                content.getBytes(at, scratch, 0, k);
                decoder.feed(scratch, 0, k);
                at += k;
                n -= k;
            }
        }

        @Override
        public void onEvent(String type, byte[] data, int offset, int length) {
            switch (interpreter.interpret(data, offset, length)) {
                case CONTENT -> {
                    if (count == chunks.length) {
                        chunks = Arrays.copyOf(chunks, count * 2);
                    }
                    chunks[count++] = bufferNanos;
                }
                case DONE -> done = true;
                case ERROR, MALFORMED -> {
                    failure = Outcome.STREAM_ERROR;
                    error = interpreter.errorMessage();
                }
                default -> { }
            }
        }

        void end(boolean keepAlive) {
            decoder.end();
            Channel ch = channel;
            channel = null;
            if (keepAlive && ch.isActive()) {
                Ex next = pending.poll();
                if (next != null) {
                    next.write(ch);
                } else {
                    idle.addLast(ch);
                }
            } else {
                ch.close();
            }
            if (failure == null && !done) {
                failure = status >= 300 ? Outcome.HTTP_ERROR : Outcome.STREAM_ERROR;
                error = "HTTP " + status + ", stream ended without [DONE]";
            }
            complete();
        }

        void fail(Outcome o, String why) {
            if (failure == null) {
                failure = o;
                error = why;
            }
            complete();
            Ex next = pending.poll();
            if (next != null) {
                next.acquire();
            }
        }

        void complete() {
            if (finished) {
                return;
            }
            finished = true;
            long[] c = Arrays.copyOf(chunks, count);
            int completion = interpreter.completionTokens();
            boolean counted = completion < 0;
            future.complete(new RequestRecord(index, scheduledNanos, sentNanos, count > 0 ? c[0] : -1,
                    count > 0 ? c[count - 1] : -1, c, null, request.prompt().inputTokens(),
                    interpreter.promptTokens(), request.maxTokens(), counted ? count : completion, counted,
                    interpreter.finishReason(), failure == null ? Outcome.OK : failure, status, error, null));
        }
    }


    /** Per connection: routes the response to the request it carries. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        Ex current;
        boolean keepAlive;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                Ex ex = current;
                if (ex == null) {
                    return;
                }
                if (msg instanceof HttpResponse r) {
                    ex.status = r.status().code();
                    keepAlive = HttpUtil.isKeepAlive(r);
                }
                if (msg instanceof HttpContent c) {
                    ex.bufferNanos = System.nanoTime();
                    ex.onContent(c.content());
                    if (msg instanceof LastHttpContent) {
                        current = null;
                        ex.end(keepAlive);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open--;
            Ex ex = current;
            current = null;
            if (ex != null) {
                ex.fail(Outcome.CONNECTION_ERROR, "connection closed before the response ended");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
