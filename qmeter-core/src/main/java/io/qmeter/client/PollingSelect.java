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
 * <p>Called only on its loop's thread, like everything the {@link Pool} does: no synchronization.
 */
final class PollingSelect implements SelectStrategy {

    /** Until when to poll, in {@link System#nanoTime()}; meaningful only while {@link #polling}. */
    private long until;
    private boolean polling;

    /**
     * Polls instead of sleeping until {@code nanos}.
     *
     * @param nanos a {@link System#nanoTime()}
     */
    void pollUntil(long nanos) {
        until = nanos;
        polling = true;
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
