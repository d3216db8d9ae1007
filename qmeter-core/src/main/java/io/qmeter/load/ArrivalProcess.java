package io.qmeter.load;

import java.util.Map;
import java.util.PrimitiveIterator;

/**
 * When requests arrive in an open-loop run: a seeded sequence of offsets from the run's start.
 * Request {@code i} is due at {@code t0 + offset(i)} whatever happened to earlier requests, so a
 * slow server or a late client cannot thin the load (no coordinated omission).
 *
 * <p>Implementations: {@link PoissonArrivals}, {@link GammaArrivals}, {@link ConstantArrivals},
 * {@link TraceArrivals}; {@link io.qmeter.QMeter} has static factories for all of them.
 *
 * <pre>{@code
 * PrimitiveIterator.OfLong offsets = new PoissonArrivals(10).offsetsNanos(42L);
 * long first = offsets.nextLong();   // 0: the first request is due at the start
 * }</pre>
 */
public interface ArrivalProcess {

    /**
     * A short name for results, for example {@code "poisson(10.0/s)"}.
     *
     * @return the name
     */
    String name();

    /**
     * The nominal (target) rate.
     *
     * @return requests per second, &gt; 0
     */
    double ratePerSecond();

    /**
     * Opens a fresh, deterministic sequence of non-decreasing offsets from the run's start; the
     * first is 0. The same seed gives the same sequence.
     *
     * @param seed the seed (ignored by deterministic processes)
     * @return offsets in nanoseconds; endless unless {@link #isFinite()}
     */
    PrimitiveIterator.OfLong offsetsNanos(long seed);

    /**
     * Whether the sequence ends by itself (a trace).
     *
     * @return true for a finite process
     */
    default boolean isFinite() {
        return false;
    }

    /**
     * Parameters recorded in results.
     *
     * @return parameter name to value
     */
    default Map<String, Object> describe() {
        return Map.of("name", name(), "ratePerSecond", ratePerSecond());
    }
}
