package io.qmeter.sweep;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each submitted configuration on a thread of its own in this JVM (today's behaviour; how many
 * run at once is the scheduler's choice, not this class's). Cancelling interrupts the thread.
 *
 * <pre>{@code
 * try (Placement p = new LocalPlacement()) {
 *     RunHandle h = p.submit(job);
 * }
 * }</pre>
 */
public final class LocalPlacement implements Placement {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPlacement.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Object changed = new Object();
    private final Set<Handle> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private long changes;
    private long seen;

    /** A placement that runs work on new daemon threads. */
    public LocalPlacement() {
    }

    @Override
    public RunHandle submit(PlacementJob job) {
        if (closed) {
            throw new IllegalStateException("this LocalPlacement is closed; configuration "
                    + job.configuration().id() + " of plan " + job.planId() + " was not started. Submit to a new "
                    + "placement (a coordinator makes one per run)");
        }
        Handle h = new Handle(job);
        live.add(h);
        Thread t = new Thread(h::execute, "qmeter-sweep-" + job.configuration().id() + "-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        h.thread = t;
        t.start();
        return h;
    }

    @Override
    public void awaitChange(Duration max) throws InterruptedException {
        // returns at once when a job ended since the last call returned, so no end is missed
        synchronized (changed) {
            long deadline = System.nanoTime() + max.toNanos();
            while (changes == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                changed.wait(Math.max(1, left / 1_000_000));
            }
            seen = changes;
        }
    }

    private void signal() {
        synchronized (changed) {
            changes++;
            changed.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        live.forEach(Handle::cancel);
    }

    private final class Handle implements RunHandle {
        private final PlacementJob job;
        private volatile Thread thread;
        private volatile State state = State.PENDING;
        private volatile Throwable failure;
        private volatile boolean cancelRequested;

        Handle(PlacementJob job) {
            this.job = job;
        }

        void execute() {
            if (cancelRequested) {
                finish(State.CANCELLED);
                return;
            }
            state = State.RUNNING;
            try {
                job.inProcess().run();
                finish(cancelRequested ? State.CANCELLED : State.DONE);
            } catch (RuntimeException | Error e) {
                // never lose a configuration silently: the scheduler rethrows it after the others end
                LOG.error("configuration {} aborted", job.configuration().id(), e);
                failure = e;
                finish(State.FAILED);
            }
        }

        private void finish(State s) {
            state = s;
            live.remove(this);
            signal();
        }

        @Override
        public State poll() {
            return state;
        }

        @Override
        public Optional<Throwable> failure() {
            return Optional.ofNullable(failure);
        }

        @Override
        public void cancel() {
            cancelRequested = true;
            Thread t = thread;
            if (t != null && !state.isTerminal()) {
                t.interrupt();
            }
        }
    }
}
