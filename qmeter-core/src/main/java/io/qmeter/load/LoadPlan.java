package io.qmeter.load;

import io.qmeter.client.CompletionRequest;
import io.qmeter.workload.Workload;
import java.time.Duration;
import java.util.Objects;

/**
 * What an open-loop run does: arrivals × workload, shaped into requests by a template, bounded by a
 * duration and/or a request count, with warm-up and cool-down excluded from the statistics (but kept
 * in the raw records), and an optional cap on requests in flight.
 *
 * <pre>{@code
 * LoadPlan plan = LoadPlan.of(new PoissonArrivals(10), SyntheticWorkload.fixed(331, 231), template, 42L,
 *         Duration.ofSeconds(60), -1).withWarmup(Duration.ofSeconds(5));
 * }</pre>
 *
 * @param arrivals     when requests are due
 * @param workload     what they ask
 * @param template     the request each prompt is put into ({@link CompletionRequest#withPrompt})
 * @param seed         seeds the workload; the arrivals use a seed derived from it
 * @param duration     schedule length (requests due at or after it are not sent), or {@code null}
 * @param maxRequests  most requests to send, or -1 for no count bound
 * @param warmup       initial part of the schedule excluded from the statistics
 * @param cooldown     final part of the schedule excluded from the statistics
 * @param maxInFlight  cap on requests in flight (waiting for it is queue delay), or 0 for none
 * @param drainTimeout how long to wait for outstanding requests after the schedule ended; those
 *                     still outstanding then are recorded as {@code CANCELLED}
 * @param spin         how long before a due time the dispatcher stops parking and spins (at most a
 *                     tenth of the mean gap between arrivals, so spinning never takes more than about
 *                     a tenth of a core)
 */
public record LoadPlan(ArrivalProcess arrivals, Workload workload, CompletionRequest template, long seed,
                       Duration duration, long maxRequests, Duration warmup, Duration cooldown, int maxInFlight,
                       Duration drainTimeout, Duration spin) {

    /** Default drain timeout. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofMinutes(5);
    /** Default spin before a due time. */
    public static final Duration DEFAULT_SPIN = Duration.ofNanos(100_000);

    /** Validates the plan; messages name the field and the value. */
    public LoadPlan {
        Objects.requireNonNull(arrivals, "arrivals");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(cooldown, "cooldown");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(spin, "spin");
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("duration must be > 0, was " + duration);
        }
        if (maxRequests < -1 || maxRequests == 0) {
            throw new IllegalArgumentException("requests must be > 0 (or -1 for no bound), was " + maxRequests);
        }
        if (duration == null && maxRequests < 0 && !arrivals.isFinite()) {
            throw new IllegalArgumentException("a run needs a bound: set a duration or a request count "
                    + "(or replay a finite trace), was neither");
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup must be >= 0, was " + warmup);
        }
        if (cooldown.isNegative()) {
            throw new IllegalArgumentException("cooldown must be >= 0, was " + cooldown);
        }
        if (duration != null && warmup.plus(cooldown).compareTo(duration) >= 0) {
            throw new IllegalArgumentException("warmup + cooldown must be < duration (" + duration + "), was "
                    + warmup.plus(cooldown));
        }
        if (maxInFlight < 0) {
            throw new IllegalArgumentException("maxInFlight must be >= 0 (0 = no cap), was " + maxInFlight);
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout must be >= 0, was " + drainTimeout);
        }
        if (spin.isNegative()) {
            throw new IllegalArgumentException("spin must be >= 0, was " + spin);
        }
    }

    /**
     * A plan with bounds, no warm-up or cool-down, no cap.
     *
     * @param arrivals    the arrivals
     * @param workload    the workload
     * @param template    the request template
     * @param seed        the seed
     * @param duration    the schedule length, or null
     * @param maxRequests the request bound, or -1
     * @return the plan
     */
    public static LoadPlan of(ArrivalProcess arrivals, Workload workload, CompletionRequest template, long seed,
                              Duration duration, long maxRequests) {
        return new LoadPlan(arrivals, workload, template, seed, duration, maxRequests, Duration.ZERO,
                Duration.ZERO, 0, DEFAULT_DRAIN_TIMEOUT, DEFAULT_SPIN);
    }

    /**
     * A copy with a duration.
     *
     * @param d the schedule length
     * @return the copy
     */
    public LoadPlan withDuration(Duration d) {
        return new LoadPlan(arrivals, workload, template, seed, d, maxRequests, warmup, cooldown, maxInFlight,
                drainTimeout, spin);
    }

    /**
     * A copy with a request count bound.
     *
     * @param n most requests, or -1 for none
     * @return the copy
     */
    public LoadPlan withMaxRequests(long n) {
        return new LoadPlan(arrivals, workload, template, seed, duration, n, warmup, cooldown, maxInFlight,
                drainTimeout, spin);
    }

    /**
     * A copy with a warm-up.
     *
     * @param d the warm-up
     * @return the copy
     */
    public LoadPlan withWarmup(Duration d) {
        return new LoadPlan(arrivals, workload, template, seed, duration, maxRequests, d, cooldown, maxInFlight,
                drainTimeout, spin);
    }

    /**
     * A copy with a cool-down.
     *
     * @param d the cool-down
     * @return the copy
     */
    public LoadPlan withCooldown(Duration d) {
        return new LoadPlan(arrivals, workload, template, seed, duration, maxRequests, warmup, d, maxInFlight,
                drainTimeout, spin);
    }

    /**
     * A copy with an in-flight cap.
     *
     * @param n the cap, or 0 for none
     * @return the copy
     */
    public LoadPlan withMaxInFlight(int n) {
        return new LoadPlan(arrivals, workload, template, seed, duration, maxRequests, warmup, cooldown, n,
                drainTimeout, spin);
    }

    /**
     * A copy with another drain timeout.
     *
     * @param d the timeout
     * @return the copy
     */
    public LoadPlan withDrainTimeout(Duration d) {
        return new LoadPlan(arrivals, workload, template, seed, duration, maxRequests, warmup, cooldown,
                maxInFlight, d, spin);
    }

    /**
     * A copy with another spin margin.
     *
     * @param d the spin
     * @return the copy
     */
    public LoadPlan withSpin(Duration d) {
        return new LoadPlan(arrivals, workload, template, seed, duration, maxRequests, warmup, cooldown,
                maxInFlight, drainTimeout, d);
    }

    /**
     * The seed the arrival process gets (derived from {@link #seed()} so that arrivals and prompts are
     * independent streams).
     *
     * @return the arrivals seed
     */
    public long arrivalSeed() {
        return seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    }
}
