package io.qmeter.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The connections of one event loop of an {@link LlmClient}, and everything that runs on that loop:
 * a LIFO stack of idle keep-alive connections, the requests waiting for one, and the exchanges in
 * flight. Confined to its loop: every method runs on {@link #loop} (no locks).
 *
 * <p>Idle connections are used newest first and closed after {@link LlmClient#connectionKeepAlive()}
 * unused (by default before the usual 5 s keep-alive of uvicorn and llama.cpp servers, so a request
 * is not written into a connection the server is closing).
 */
final class Pool {

    /**
     * When this pool's event loop last read bytes from any of its connections; written by that loop
     * only, read by watchdogs through {@link LlmClient#lastArrivalNanos()} (a stale value is at most
     * one read old, which a once-a-second watchdog does not mind). Opaque access: no fence on the
     * read path.
     */
    @SuppressWarnings("unused") // through LAST_READ
    private long lastReadNanos = Long.MIN_VALUE;
    private static final java.lang.invoke.VarHandle LAST_READ;

    static {
        try {
            LAST_READ = java.lang.invoke.MethodHandles.lookup().findVarHandle(Pool.class, "lastReadNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** When this pool's loop last read bytes, or {@link Long#MIN_VALUE}; any thread. */
    long lastReadNanos() {
        return (long) LAST_READ.getOpaque(this);
    }

    final EventLoop loop;
    final LlmClient client;
    /** The loop's select strategy, told when to poll instead of sleeping. */
    private final PollingSelect select;
    private final Bootstrap bootstrap;
    private final int limit;
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    /** Exchanges of this loop whose record is not made yet. */
    private final Set<Exchange> active = new HashSet<>();
    private int open;
    private long opened;
    private ScheduledFuture<?> idleSweep;
    private ScheduledFuture<?> timeoutSweep;
    /** Copy buffer for direct network buffers, shared by the loop's exchanges (one runs at a time). */
    final byte[] scratch = new byte[16 * 1024];

    Pool(LlmClient client, EventLoop loop, PollingSelect select, Class<? extends SocketChannel> channelType,
         InetSocketAddress address, String host, SslContext ssl, int connectTimeoutMillis, int limit) {
        int port = address.getPort();
        this.client = client;
        this.loop = loop;
        this.select = select;
        this.limit = limit;
        this.bootstrap = new Bootstrap().group(loop).channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .remoteAddress(address)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            SSLEngine engine = ssl.newEngine(ch.alloc(), host, port);
                            SSLParameters p = engine.getSSLParameters();
                            p.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(p);
                            ch.pipeline().addLast(new io.netty.handler.ssl.SslHandler(engine));
                        }
                        ch.pipeline().addLast(new Connection(Pool.this));
                    }
                });
    }

    /** Requests of {@link LlmClient#sendAt} waiting for their due time, earliest first. */
    private final java.util.PriorityQueue<Exchange> due =
            new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(Exchange::scheduledNanos));
    private ScheduledFuture<?> dueTimer;
    private long dueTimerAt;

    /**
     * Holds {@code ex} until its due time. A sleeping thread takes tens of microseconds to run again
     * after its timer fires (more on a virtual machine), so the loop wakes {@link #spinNanos} before
     * the earliest due time and from then on polls its sockets without sleeping ({@link PollingSelect})
     * until a timer set at the due time itself fires: network reads go on being timestamped while it
     * waits. A due request is also started after every network buffer this loop reads, so that a
     * burst of responses to decode delays it by one buffer, not the burst.
     */
    void hold(Exchange ex) {
        ex.held = true;
        due.add(ex);
        updateSpin(ex.scheduledNanos());
        if (due.peek() == ex) {
            armDue();
        }
    }

    /** {@code ex} ended before its due time: it leaves the queue. */
    void unhold(Exchange ex) {
        ex.held = false;
        due.remove(ex);
    }

    /** Requests of {@link LlmClient#sendAt} handed over by other threads and not taken by the loop yet. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Exchange> incoming =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Runnable takeIncoming = this::takeIncoming;

    /**
     * Hands {@code ex} over to this loop from any thread, to be held until it is due. The loop takes
     * it in a task, or earlier, after a network buffer it reads ({@link #startDue}): the loop runs
     * its tasks only after it has read every socket that was ready, and with long streams such a
     * round can last milliseconds (tens of responses of hundreds of events each); a request
     * handed over during it would start that much late.
     *
     * @param ex the exchange
     * @return false when the loop no longer takes work (the client is closing) and {@code ex} never
     *         reached it
     */
    boolean handOver(Exchange ex) {
        incoming.add(ex);
        try {
            loop.execute(takeIncoming);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return !incoming.remove(ex); // false unless the loop took it meanwhile
        }
    }

    private void takeIncoming() {
        Exchange ex;
        while ((ex = incoming.poll()) != null) {
            try {
                ex.startAt();
            } catch (Throwable t) { // this request fails, the others still go
                ex.failed(t);
            }
        }
    }

    /** Takes the requests handed over, and starts every held request that is due by now; cheap when none is. */
    void startDue() {
        if (!incoming.isEmpty()) {
            takeIncoming();
        }
        Exchange head = due.peek();
        if (head != null && head.scheduledNanos() - System.nanoTime() <= 0) {
            runDue();
        }
    }

    private void runDue() {
        select.stopPolling(); // armDue polls again if the next request is due soon
        try {
            Exchange head;
            while ((head = due.peek()) != null && head.scheduledNanos() - System.nanoTime() <= 0) {
                due.poll();
                head.held = false;
                try {
                    head.start(true);
                } catch (Throwable t) { // e.g. out of direct memory: this request fails, the others still go
                    head.failed(t);
                }
            }
        } finally {
            armDue(); // whatever happened, the next held request keeps its timer
        }
    }

    /**
     * Sets the timer for the earliest held request: {@link #spinNanos} before its due time, or, once
     * that is past, at the due time itself with the loop polling until then.
     */
    private void armDue() {
        Exchange head = due.peek();
        if (head == null) {
            return;
        }
        long dueAt = head.scheduledNanos();
        long at = dueAt - spinNanos;
        if (at - System.nanoTime() <= 0) {
            // poll until the timer at the due time has run (runDue stops it): the timer's deadline
            // is a little after dueAt, and a loop that went back to sleep in that gap would sleep
            // out the kernel's timer slack. The bound is only a safety net.
            select.pollUntil(dueAt + MAX_SPIN_NANOS);
            at = dueAt;
        }
        if (dueTimer != null) {
            if (dueTimerAt - at <= 0) {
                return;
            }
            dueTimer.cancel(false);
        }
        dueTimerAt = at;
        dueTimer = loop.schedule(() -> {
            dueTimer = null;
            runDue();
        }, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The longest the loop polls without sleeping before a due time of {@link LlmClient#sendAt}. */
    static final long MAX_SPIN_NANOS = 100_000L;
    private long lastDueNanos;
    private boolean anyDue;
    private double meanDueGapNanos = 10.0 * MAX_SPIN_NANOS;
    private long spinNanos = MAX_SPIN_NANOS;

    /**
     * Updates how long before a due time to wake and poll: {@link #MAX_SPIN_NANOS}, but at most a
     * tenth of the mean gap between due times on this loop, so polling takes at most about a tenth
     * of the loop's time whatever the rate.
     */
    private void updateSpin(long dueNanos) {
        if (anyDue && dueNanos > lastDueNanos) {
            meanDueGapNanos += ((dueNanos - lastDueNanos) - meanDueGapNanos) / 64.0;
        }
        if (!anyDue || dueNanos > lastDueNanos) {
            lastDueNanos = dueNanos;
        }
        anyDue = true;
        spinNanos = Math.min(MAX_SPIN_NANOS, (long) (meanDueGapNanos / 10));
    }

    /** Connections this pool opened so far (for tests and benchmarks). */
    long opened() {
        return opened;
    }

    /** The loop-delay probe's next task and its deadline (see {@link LlmClient#watchLoopDelay}). */
    private ScheduledFuture<?> probe;
    private long probeDeadline;

    /**
     * Starts the loop-delay probe (on the loop): its first deadline is {@code fromNanos}, or one
     * interval from now when that has passed. A probe already running keeps its grid unless the
     * new watch starts before its next deadline.
     */
    void startProbe(long fromNanos) {
        long first = Math.max(fromNanos, System.nanoTime() + LlmClient.PROBE_INTERVAL_NANOS);
        if (probe != null) {
            if (probeDeadline <= first) {
                return;
            }
            probe.cancel(false);
        }
        armProbe(first);
    }

    private void armProbe(long deadline) {
        probeDeadline = deadline;
        probe = loop.schedule(this::probe, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * One probe: records how late it ran and, for every later deadline of its 1 ms grid that a stall
     * made it miss, the delay a token arriving at that deadline had (so that a 50 ms stall weighs 50
     * samples, as it delays 50 ms of arrivals, not one). Runs again while a watch wants samples.
     */
    private void probe() {
        probe = null;
        long now = System.nanoTime();
        long d = probeDeadline;
        boolean wanted;
        do {
            wanted = client.recordLoopDelay(d, now - d, now);
            d += LlmClient.PROBE_INTERVAL_NANOS;
        } while (d <= now && wanted);
        if (wanted) {
            armProbe(d);
        }
    }

    /** Watches {@code ex}'s timeouts (and lets {@link #cancelAll} reach it) until {@link #untrack}. */
    void track(Exchange ex) {
        if (active.add(ex) && timeoutSweep == null) {
            timeoutSweep = loop.schedule(this::sweepTimeouts, client.timeoutTickNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * One pass over the tracked exchanges, every {@link LlmClient#timeoutTickNanos()} while there are
     * any: one periodic task per loop instead of a timer per request (scheduling and cancelling a
     * timer per request cost about a tenth of the loop's time at 10,000 requests a second).
     */
    private void sweepTimeouts() {
        timeoutSweep = null;
        if (active.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (Exchange ex : active.toArray(new Exchange[0])) {
            ex.checkTimeouts(now);
        }
        if (!active.isEmpty()) {
            timeoutSweep = loop.schedule(this::sweepTimeouts, client.timeoutTickNanos(), TimeUnit.NANOSECONDS);
        }
    }

    void untrack(Exchange ex) {
        active.remove(ex);
    }

    /** Ends every exchange of this loop as CANCELLED and closes idle connections (the client is closing). */
    void cancelAll(String why) {
        List<Exchange> all = new ArrayList<>(active);
        for (Exchange ex : all) {
            ex.cancel(why);
        }
        waiting.clear();
        due.clear();
        Connection c;
        while ((c = idle.pollLast()) != null) {
            c.channel.close();
        }
    }

    /** Gives {@code ex} a connection now, or queues it until one frees up. */
    void acquire(Exchange ex) {
        Connection c;
        long now = System.nanoTime();
        while ((c = idle.pollLast()) != null) {
            if (c.channel.isActive() && now - c.idleSinceNanos < client.connectionKeepAliveNanos) {
                ex.write(c);
                return;
            }
            c.channel.close();
        }
        if (open < limit) {
            connect(ex);
        } else {
            ex.queued = true;
            waiting.add(ex);
        }
    }

    /**
     * Sends {@code ex} again on a fresh connection (its reused one was closed by the server before
     * any byte of the response came): the idle ones may have been closed by the same server just as
     * well. Without room for one more connection it waits first in line for the next.
     */
    void retry(Exchange ex) {
        if (open < limit) {
            connect(ex);
        } else {
            ex.queued = true;
            waiting.addFirst(ex);
        }
    }

    /**
     * Opens connections until {@code n} are idle or the limit is reached, keeps them idle, and runs
     * {@code done} once all attempts ended (on the loop).
     */
    void preconnect(int n, Runnable done) {
        int want = Math.min(n - idle.size(), limit - open);
        if (want <= 0 || client.isClosed()) {
            done.run();
            return;
        }
        int[] left = {want};
        for (int k = 0; k < want; k++) {
            open++;
            opened++;
            ChannelFuture f = bootstrap.connect();
            f.addListener(x -> {
                Runnable end = () -> {
                    if (f.isSuccess()) {
                        Connection c = f.channel().pipeline().get(Connection.class);
                        c.preopened = true;
                        c.channel.alloc().directBuffer(1024).release(); // the loop's allocator, built now
                        release(c, true);
                    } else {
                        open--;
                        serveWaiting();
                    }
                    if (--left[0] == 0) {
                        done.run();
                    }
                };
                if (loop.inEventLoop()) {
                    end.run();
                } else {
                    loop.execute(end);
                }
            });
        }
    }

    /** An exchange waiting for a connection ended (timeout, cancel): it no longer wants one. */
    void forget(Exchange ex) {
        ex.queued = false;
        waiting.remove(ex);
    }

    private void connect(Exchange ex) {
        open++;
        opened++;
        ChannelFuture f = bootstrap.connect();
        f.addListener(done -> {
            if (!loop.inEventLoop()) {
                // a connect that failed before it had a channel on this loop (e.g. "too many open
                // files") reports on Netty's global executor: come back to the loop first
                loop.execute(() -> connected(f, ex));
                return;
            }
            connected(f, ex);
        });
    }

    private void connected(ChannelFuture f, Exchange ex) {
        {
            if (f.isSuccess()) {
                Connection c = f.channel().pipeline().get(Connection.class);
                if (ex.wantsConnection()) {
                    ex.write(c);
                } else {
                    release(c, true);
                }
            } else {
                open--;
                ex.connectFailed(f.cause());
                serveWaiting();
            }
        }
    }

    /** A response ended on {@code c}: reuse it for the next waiting request, keep it idle, or close it. */
    void release(Connection c, boolean keepAlive) {
        c.current = null;
        if (!keepAlive || !c.channel.isActive() || client.isClosed()) {
            c.channel.close();
            return;
        }
        Exchange next = nextWaiting();
        if (next != null) {
            next.write(c);
            return;
        }
        c.idleSinceNanos = System.nanoTime();
        idle.addLast(c);
        if (idleSweep == null) {
            idleSweep = loop.schedule(this::sweepIdle, idleSweepNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** How often idle connections are looked at: every second, or as often as they may expire. */
    private long idleSweepNanos() {
        return Math.min(TimeUnit.SECONDS.toNanos(1), client.connectionKeepAliveNanos);
    }

    private void sweepIdle() {
        idleSweep = null;
        long now = System.nanoTime();
        // oldest first: the stack's bottom
        Connection c;
        while ((c = idle.peekFirst()) != null && now - c.idleSinceNanos >= client.connectionKeepAliveNanos) {
            idle.pollFirst();
            c.channel.close();
        }
        if (!idle.isEmpty()) {
            idleSweep = loop.schedule(this::sweepIdle, idleSweepNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** A connection closed: one more may be opened for a waiting request. */
    private void closed(Connection c) {
        open--;
        idle.remove(c);
        serveWaiting();
    }

    private void serveWaiting() {
        if (open < limit) {
            Exchange next = nextWaiting();
            if (next != null) {
                connect(next);
            }
        }
    }

    /** The first waiting exchange that still wants a connection (ended ones are dropped), or null. */
    private Exchange nextWaiting() {
        Exchange next;
        while ((next = waiting.poll()) != null) {
            next.queued = false;
            if (next.wantsConnection()) {
                return next;
            }
        }
        return null;
    }

    /** One keep-alive connection: parses the response and routes it to the exchange it carries. */
    static final class Connection extends ChannelInboundHandlerAdapter implements HttpResponseParser.Listener {
        private final Pool pool;
        private final HttpResponseParser parser = new HttpResponseParser(this);
        Channel channel;
        Exchange current;
        long idleSinceNanos;
        /** Requests written to this connection so far: a connection that carried one before is a reused one. */
        int uses;
        /** Opened ahead of the run ({@link #preconnect}) and idle before its first request: reused too. */
        boolean preopened;
        /** Set during {@link #channelRead}: the response ended (and may the connection be reused?), or broke. */
        private boolean ended;
        private boolean endKeepAlive;
        private boolean broken;
        private long readNanos;

        Connection(Pool pool) {
            this.pool = pool;
        }

        /** The exchange about to write its request here. */
        void assign(Exchange ex) {
            current = ex;
            uses++;
            parser.expectResponse();
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            try {
                readNanos = System.nanoTime();
                LAST_READ.setOpaque(pool, readNanos);
                if (current != null) {
                    current.responseBegan();
                }
                ended = false;
                broken = false;
                if (!parser.feed(buf) || current == null && !ended && !broken) {
                    // bytes nobody asked for: the connection's state is unknown, do not reuse it
                    ctx.close();
                    return;
                }
            } finally {
                buf.release();
            }
            if (broken) {
                ctx.close();
            } else if (ended) {
                pool.release(this, endKeepAlive);
            }
            pool.startDue();
        }

        @Override
        public void onHead(int status, String contentType, boolean keepAlive) {
            if (current != null) {
                current.onResponse(status, contentType);
            }
        }

        @Override
        public void onBody(ByteBuf buf, int index, int length) {
            if (current != null) {
                current.onBuffer(buf, index, length, readNanos);
            }
        }

        @Override
        public void onEnd(boolean keepAlive) {
            Exchange ex = current;
            current = null;
            ended = true;
            endKeepAlive = keepAlive;
            if (ex != null) {
                ex.onResponseEnd();
            }
        }

        @Override
        public void onMalformed(String why) {
            Exchange ex = current;
            current = null;
            broken = true;
            if (ex != null) {
                ex.malformedHttp(why);
            }
        }

        @Override
        public void onUnsupported(String why) {
            Exchange ex = current;
            current = null;
            broken = true;
            if (ex != null) {
                ex.unsupportedResponse(why);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (parser.bodyUntilClose()) {
                parser.closed(); // the body ended with the connection: a complete response
            }
            Exchange ex = current;
            current = null;
            pool.closed(this);
            if (ex != null) {
                ex.onClosed(null);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Exchange ex = current;
            current = null;
            if (ex != null) {
                ex.onClosed(cause);
            }
            ctx.close();
        }
    }
}
