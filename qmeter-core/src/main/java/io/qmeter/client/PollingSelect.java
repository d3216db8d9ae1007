package io.qmeter.client;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import java.util.ArrayList;
import java.util.List;

/**
 * The select strategy of an {@link LlmClient} event loop: Netty's default (sleep in
 * {@code epoll_wait} until a socket, a task or a timer needs the loop), except shortly before a
 * held request is due, when {@link Pool} asks the loop to poll its sockets without sleeping until the
 * due time ({@link #pollUntil}). Waking from a sleep takes tens of microseconds; polling keeps both
 * the due request and the tokens that arrive meanwhile on time, at the cost of a bounded amount of
 * CPU (see {@code Pool.updateSpin}).
 *
 * <p>Polling stops when the pool says so ({@link #stopPolling}: its due timer ran), or at the latest
 * at the bound given to {@link #pollUntil}.
 *
 * <p>Under NIO (no native epoll) the strategy never polls ({@link #inert()}): Netty's NIO loop counts
 * every select that returns nothing as a premature wake-up and rebuilds its selector after 512 in a
 * row, and its timed selects round to milliseconds anyway.
 *
 * <p>Called only on its loop's thread, like everything the {@link Pool} does: no synchronization.
 */
final class PollingSelect implements SelectStrategy {

    private final boolean enabled;
    /** The latest time to poll until, in {@link System#nanoTime()}; meaningful only while {@link #polling}. */
    private long until;
    private boolean polling;

    PollingSelect() {
        this(true);
    }

    private PollingSelect(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * A strategy that never polls (for NIO event loops, which keep Netty's default strategy).
     *
     * @return the strategy
     */
    static PollingSelect inert() {
        return new PollingSelect(false);
    }

    /**
     * Polls instead of sleeping until {@link #stopPolling} or, at the latest, {@code latestNanos}.
     *
     * @param latestNanos a {@link System#nanoTime()}
     */
    void pollUntil(long latestNanos) {
        if (enabled) {
            until = latestNanos;
            polling = true;
        }
    }

    /** Sleeps again when there is nothing to do. */
    void stopPolling() {
        polling = false;
    }

    @Override
    public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
        if (polling && System.nanoTime() - until >= 0) {
            polling = false;
        }
        // selectSupplier.get() is a non-blocking epoll_wait / selectNow: the loop then processes what
        // is ready, runs its due timers and tasks, and asks again
        return hasTasks || polling ? selectSupplier.get() : SelectStrategy.SELECT;
    }

    /** Makes one strategy per event loop and remembers them in the order the loops were made. */
    static final class Factory implements SelectStrategyFactory {
        private final List<PollingSelect> made = new ArrayList<>();

        @Override
        public synchronized SelectStrategy newSelectStrategy() {
            PollingSelect s = new PollingSelect();
            made.add(s);
            return s;
        }

        /**
         * The strategies made so far.
         *
         * @return one per loop, in the order of the group's loops
         */
        synchronized List<PollingSelect> made() {
            return new ArrayList<>(made);
        }
    }
}
