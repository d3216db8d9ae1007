package io.qmeter.cluster.claim;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a lease alive: renews it every {@code every} on a daemon thread, and calls {@code onLost}
 * once when a renewal finds it taken over or released (the holder must then stop: someone else
 * runs the work). A renewal that fails for a database error is retried at the next beat; the lease
 * runs out by itself if the database stays away.
 *
 * <pre>{@code
 * try (LeaseKeeper k = LeaseKeeper.start(claims, lease, Duration.ofMinutes(2), Duration.ofSeconds(30),
 *         () -> coordinator.cancel())) {
 *     ...
 * }
 * }</pre>
 */
public final class LeaseKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final ClaimStore claims;
    private final Duration length;
    private final Runnable onLost;
    private final AtomicReference<Lease> lease;
    private final AtomicBoolean lost = new AtomicBoolean();
    private final ScheduledExecutorService timer;

    private LeaseKeeper(ClaimStore claims, Lease lease, Duration length, Runnable onLost) {
        this.claims = claims;
        this.length = length;
        this.onLost = onLost;
        this.lease = new AtomicReference<>(lease);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "qmeter-lease-" + lease.key());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts renewing.
     *
     * @param claims the claims table
     * @param lease  the lease to keep
     * @param length the lease length each renewal grants
     * @param every  how often to renew (well under {@code length}, e.g. a third)
     * @param onLost called once when the lease is found lost
     * @return the keeper
     */
    public static LeaseKeeper start(ClaimStore claims, Lease lease, Duration length, Duration every, Runnable onLost) {
        Objects.requireNonNull(claims, "claims");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(onLost, "onLost");
        if (every.compareTo(length) >= 0 || every.isZero() || every.isNegative()) {
            throw new IllegalArgumentException("renewal interval must be > 0 and shorter than the lease (" + length
                    + "), was " + every);
        }
        LeaseKeeper k = new LeaseKeeper(claims, lease, length, onLost);
        k.timer.scheduleWithFixedDelay(k::beat, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return k;
    }

    /** Renews once now; returns whether the lease still holds. Called by the timer too. */
    boolean beat() {
        if (lost.get()) {
            return false;
        }
        try {
            var renewed = claims.renew(lease.get(), length);
            if (renewed.isPresent()) {
                lease.set(renewed.get());
                return true;
            }
            if (lost.compareAndSet(false, true)) {
                LOG.warn("the lease on {} was taken over or released; stopping its work", lease.get().key());
                onLost.run();
            }
            return false;
        } catch (RuntimeException e) {
            LOG.warn("renewing the lease on {} failed ({}); retrying at the next beat", lease.get().key(), e.toString());
            return true;
        }
    }

    /**
     * The lease as last renewed.
     *
     * @return the lease
     */
    public Lease lease() {
        return lease.get();
    }

    /**
     * Whether a renewal found the lease lost.
     *
     * @return true once lost
     */
    public boolean isLost() {
        return lost.get();
    }

    /** Stops renewing (the lease is not released); idempotent. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
